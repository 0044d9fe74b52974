package cluster

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Position is where a command sits in the log, and the only facts about
// the world the executor may use besides the command itself.
type Position struct {
	Index, Term uint64
	// ID is the request's id.
	ID RequestID
	// Time is the proposing leader's clock, clamped so that it never runs
	// backwards in log order (a new leader's clock may be behind the old
	// one's); the clamp uses log data only, so every node gets the same.
	Time time.Time
}

// Outcome is what one command did.
type Outcome struct {
	// Result is the answer for the proposer (for a refusal, why).
	Result []byte
	// Refused: the command's writes must not stay; the rest of its batch
	// stands.
	Refused bool
}

// Executor applies one command. It must read nothing but tx, at and cmd:
// applied twice, on two machines, it writes the same bytes. An error
// means this node cannot apply the command (damaged file, disk full, a
// command from a newer keydesk): the node halts rather than skip it.
type Executor interface {
	Exec(tx *bolt.Tx, at Position, cmd []byte) (Outcome, error)
}

// Header is an Executor that can tell its audit head, for status and for
// comparing nodes.
type Header interface {
	Head(tx *bolt.Tx) ([]byte, error)
}

// Entry is one committed log entry handed to the machine.
type Entry struct {
	Index, Term uint64
	// Data is an envelope; nil for entries that only move the index
	// (Raft configuration changes).
	Data []byte
}

// Applied is one entry's answer from ApplyBatch.
type Applied struct {
	Result Result
	Err    error // the entry was not applied (the node halted)
}

var (
	bucketClusterMeta = []byte("cluster_meta")
	bucketRequests    = []byte("cluster_requests")
	bucketRequestAge  = []byte("cluster_request_age")
	bucketTokens      = []byte("cluster_tokens")

	metaApplied = []byte("applied") // index, term
	metaTime    = []byte("time")    // last applied entry time, unix ns
)

// MachineOptions tune a Machine; the zero value is what production uses.
type MachineOptions struct {
	// KeepRequests is how many log indexes a request id is remembered
	// for (default 100,000). Pruning goes by index, never by clock.
	KeepRequests uint64
	// Open reopens the file after a restore (default: bolt.Open, 0600,
	// one second lock timeout).
	Open func(path string) (*bolt.DB, error)
	// Check vets a received snapshot before it replaces the file (schema,
	// audit chain). Nil accepts any file this package can read.
	Check func(db *bolt.DB) error
	// Replaced is told the new *bolt.DB after a restore: the store reads
	// through it from then on. It runs with Swap held.
	Replaced func(db *bolt.DB)
	// Swap, when set, is held by a restore from the moment it closes the
	// old file until Replaced has run: the store's readers that found the
	// old file closed wait on it for the new one.
	Swap sync.Locker
	// Notify is called after every committed batch (live refresh).
	Notify func(index uint64)
	// CheckpointEvery is how many log indexes apart the audit head is
	// recorded for comparing nodes (default 1,024; checkpoint.go).
	CheckpointEvery uint64
}

// Machine is the replicated state machine: a bbolt file, the executor
// that applies commands to it, and the bookkeeping kept beside them in
// the same transactions.
type Machine struct {
	mu   sync.RWMutex // guards db against a restore swapping it
	db   *bolt.DB
	exec Executor
	opt  MachineOptions

	applied atomic.Uint64
	halted  atomic.Pointer[haltError]

	waitMu sync.Mutex
	moved  chan struct{} // closed and replaced whenever applied moves
}

// haltWith stops the machine for err (a divergence found outside an
// apply); it reports whether this call stopped it.
func (m *Machine) haltWith(err error) bool {
	return m.halted.CompareAndSwap(nil, &haltError{err: err})
}

// haltError is why a machine stopped applying.
type haltError struct{ err error }

func (h *haltError) Error() string {
	return "this node stopped applying the log: " + h.err.Error()
}
func (h *haltError) Unwrap() error { return h.err }

// Is makes every halt an ErrHalted.
func (h *haltError) Is(target error) bool { return target == ErrHalted }

// ErrHalted wraps every answer of a machine that stopped.
var ErrHalted = errors.New("node halted")

// NewMachine takes over db (already migrated by the store) with exec.
func NewMachine(db *bolt.DB, exec Executor, opt MachineOptions) (*Machine, error) {
	if opt.KeepRequests == 0 {
		opt.KeepRequests = 100_000
	}
	if opt.CheckpointEvery == 0 {
		opt.CheckpointEvery = 1024
	}
	if opt.Open == nil {
		opt.Open = func(path string) (*bolt.DB, error) {
			return bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
		}
	}
	m := &Machine{db: db, exec: exec, opt: opt, moved: make(chan struct{})}
	err := db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketClusterMeta, bucketRequests, bucketRequestAge, bucketTokens, bucketCheckpoints} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		m.applied.Store(readApplied(tx).Index)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cannot prepare the database for the cluster: %w", err)
	}
	return m, nil
}

// DB is the file as it is now (a restore replaces it).
func (m *Machine) DB() *bolt.DB {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.db
}

// LastApplied is the index of the last entry in the file.
func (m *Machine) LastApplied() uint64 { return m.applied.Load() }

// Halted says why the machine stopped applying, nil while it runs.
func (m *Machine) Halted() error {
	if h := m.halted.Load(); h != nil {
		return h
	}
	return nil
}

type appliedAt struct{ Index, Term uint64 }

func readApplied(tx *bolt.Tx) appliedAt {
	b := tx.Bucket(bucketClusterMeta)
	if b == nil {
		return appliedAt{}
	}
	v := b.Get(metaApplied)
	if len(v) != 16 {
		return appliedAt{}
	}
	return appliedAt{binary.BigEndian.Uint64(v), binary.BigEndian.Uint64(v[8:])}
}

// view runs fn in a read transaction of the file, which a restore does
// not replace meanwhile.
func (m *Machine) view(fn func(tx *bolt.Tx) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.db.View(fn)
}

// errRerun rolls a batch's transaction back to run it again without a
// refused command.
var errRerun = errors.New("rerun the batch")

// ApplyBatch applies entries in order in one write transaction, with the
// applied index and the request table. The answers equal those of
// applying the entries one by one, whatever the batch boundaries: a
// command that is refused is taken out by rolling the transaction back and
// running the ones before it again (bbolt has no savepoints), and the
// refusal is its answer. An error means the machine halted: no entry of
// this batch or any later one is applied, ever, by this process.
func (m *Machine) ApplyBatch(entries []Entry) ([]Applied, error) {
	out := make([]Applied, len(entries))
	if h := m.Halted(); h != nil {
		for i := range out {
			out[i].Err = h
		}
		return out, h
	}
	refused := make(map[int]bool)
	var last appliedAt
	for {
		m.mu.RLock()
		err := m.db.Update(func(tx *bolt.Tx) error {
			return m.applyInTx(tx, entries, out, refused, &last)
		})
		m.mu.RUnlock()
		if errors.Is(err, errRerun) {
			continue
		}
		if err != nil {
			h := &haltError{err: err}
			m.halted.CompareAndSwap(nil, h)
			for i := range out {
				out[i] = Applied{Err: h}
			}
			return out, h
		}
		break
	}
	if last.Index > m.applied.Load() {
		m.applied.Store(last.Index)
		m.waitMu.Lock()
		close(m.moved)
		m.moved = make(chan struct{})
		m.waitMu.Unlock()
		if m.opt.Notify != nil {
			m.opt.Notify(last.Index)
		}
	}
	return out, nil
}

func (m *Machine) applyInTx(tx *bolt.Tx, entries []Entry, out []Applied, refused map[int]bool, last *appliedAt) error {
	meta := tx.Bucket(bucketClusterMeta)
	if meta == nil {
		return errors.New("the database has no cluster bookkeeping")
	}
	applied := readApplied(tx)
	*last = applied
	clock := int64(0)
	if v := meta.Get(metaTime); len(v) == 8 {
		clock = int64(binary.BigEndian.Uint64(v))
	}
	requests := tx.Bucket(bucketRequests)
	age := tx.Bucket(bucketRequestAge)
	for i, e := range entries {
		if e.Index <= applied.Index {
			continue // in the file already (a replay after restart)
		}
		// Gaps are normal: raft keeps no-op and barrier entries from the
		// state machine.
		prev := applied.Index
		applied = appliedAt{e.Index, e.Term}
		// Pruned entry by entry, so that whether an id is still known
		// does not depend on where the batches split.
		if err := forget(requests, age, e.Index, m.opt.KeepRequests); err != nil {
			return err
		}
		if e.Data != nil {
			env, err := decodeEnvelope(e.Data)
			if err != nil {
				return fmt.Errorf("entry %d: %w", e.Index, err)
			}
			if t := env.Time.UnixNano(); t > clock {
				clock = t
			}
			if v := requests.Get(env.ID[:]); v != nil {
				first, err := decodeResult(v)
				if err != nil {
					return fmt.Errorf("entry %d: %w", e.Index, err)
				}
				first.Repeat = true
				out[i] = Applied{Result: first}
			} else {
				if !refused[i] {
					at := Position{Index: e.Index, Term: e.Term, ID: env.ID, Time: time.Unix(0, clock).UTC()}
					o, err := m.execute(tx, env, at)
					if err != nil {
						return fmt.Errorf("entry %d: %w", e.Index, err)
					}
					out[i] = Applied{Result: Result{Data: o.Result, Refused: o.Refused, Index: e.Index}}
					if o.Refused {
						refused[i] = true
						return errRerun
					}
				}
				if err := remember(requests, age, env.ID, out[i].Result); err != nil {
					return err
				}
			}
		}
		if err := m.checkpoint(tx, prev, e.Index); err != nil {
			return err
		}
		*last = applied
	}
	var t [8]byte
	binary.BigEndian.PutUint64(t[:], uint64(clock))
	if err := meta.Put(metaTime, t[:]); err != nil {
		return err
	}
	var a [16]byte
	binary.BigEndian.PutUint64(a[:], applied.Index)
	binary.BigEndian.PutUint64(a[8:], applied.Term)
	return meta.Put(metaApplied, a[:])
}

func (m *Machine) execute(tx *bolt.Tx, env envelope, at Position) (Outcome, error) {
	switch env.Kind {
	case KindCommand:
		return m.exec.Exec(tx, at, env.Body)
	case KindCluster:
		return execCluster(tx, at, env.Body)
	case KindUpgrade:
		return m.execUpgrade(tx, at, env.Body) // schema.go
	}
	return Outcome{}, fmt.Errorf("%w (entry kind %d)", errUnknownVersion, env.Kind)
}

// remember records a request's answer under its id, and the id under its
// index for pruning.
func remember(requests, age *bolt.Bucket, id RequestID, r Result) error {
	if err := requests.Put(id[:], encodeResult(r)); err != nil {
		return err
	}
	var k [24]byte
	binary.BigEndian.PutUint64(k[:8], r.Index)
	copy(k[8:], id[:])
	return age.Put(k[:], nil)
}

// forget drops the request ids applied keep or more indexes before index.
func forget(requests, age *bolt.Bucket, index, keep uint64) error {
	if index <= keep {
		return nil
	}
	var limit [8]byte
	binary.BigEndian.PutUint64(limit[:], index-keep)
	c := age.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k[:8], limit[:]) < 0; k, _ = c.First() {
		if err := requests.Delete(k[8:]); err != nil {
			return err
		}
		if err := age.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// WaitApplied waits until the file holds index (read-your-writes on a
// follower), the context ends, or the machine halts.
func (m *Machine) WaitApplied(ctx context.Context, index uint64) error {
	for {
		m.waitMu.Lock()
		moved := m.moved
		m.waitMu.Unlock()
		if m.applied.Load() >= index {
			return nil
		}
		if h := m.Halted(); h != nil {
			return h
		}
		select {
		case <-moved:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Head is the executor's audit head (nil when it has none).
func (m *Machine) Head() ([]byte, error) {
	h, ok := m.exec.(Header)
	if !ok {
		return nil, nil
	}
	var head []byte
	err := m.view(func(tx *bolt.Tx) (err error) {
		head, err = h.Head(tx)
		return err
	})
	return head, err
}
