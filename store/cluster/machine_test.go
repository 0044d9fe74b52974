package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func openTestDB(t testing.TB, path string) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func newTestMachine(t testing.TB, exec Executor, opt MachineOptions) *Machine {
	t.Helper()
	db := openTestDB(t, filepath.Join(t.TempDir(), "keydesk.db"))
	if opt.Open == nil {
		opt.Open = func(path string) (*bolt.DB, error) {
			return bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
		}
	}
	m, err := NewMachine(db, exec, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.DB().Close() })
	return m
}

var testEpoch = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func command(id RequestID, at time.Time, text string) []byte {
	return envelope{Kind: KindCommand, ID: id, Time: at, Body: []byte(text)}.encode()
}

// randomLog is n entries of mixed commands: puts, compare-and-sets that
// are right or stale, codes, repeats of earlier request ids, and entries
// that carry no command (configuration changes).
func randomLog(seed uint64, n int) []Entry {
	rng := rand.New(rand.NewPCG(seed, 1))
	var ids []RequestID
	log := make([]Entry, 0, n)
	for i := 1; i <= n; i++ {
		e := Entry{Index: uint64(i), Term: 1 + uint64(i/50)}
		at := testEpoch.Add(time.Duration(i) * time.Second)
		if rng.IntN(10) == 0 {
			at = at.Add(-time.Hour) // a leader whose clock is behind
		}
		key := fmt.Sprintf("k%d", rng.IntN(5))
		id := NewRequestID()
		var text string
		switch rng.IntN(8) {
		case 0:
			log = append(log, e) // configuration entry
			continue
		case 1, 2:
			text = "put " + key + " v" + fmt.Sprint(i)
		case 3, 4:
			text = fmt.Sprintf("cas %s %d v%d", key, rng.IntN(4), i)
		case 5:
			text = "code " + key
		case 6:
			if len(ids) > 0 {
				id = ids[rng.IntN(len(ids))] // a retried request
			}
			text = "put " + key + " retry" + fmt.Sprint(i)
		case 7:
			text = "bogus"
		}
		ids = append(ids, id)
		e.Data = command(id, at, text)
		log = append(log, e)
	}
	return log
}

// applyInSplits applies log in batches whose sizes come from next, and
// returns every entry's answer.
func applyInSplits(t *testing.T, m *Machine, log []Entry, next func() int) []Applied {
	t.Helper()
	var out []Applied
	for len(log) > 0 {
		n := min(max(next(), 1), len(log))
		got, err := m.ApplyBatch(log[:n])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, got...)
		log = log[n:]
	}
	return out
}

func fingerprint(t testing.TB, m *Machine) (uint64, []byte, []byte) {
	t.Helper()
	index, sum, err := m.Fingerprint()
	if err != nil {
		t.Fatal(err)
	}
	head, err := m.Head()
	if err != nil {
		t.Fatal(err)
	}
	return index, sum, head
}

func TestBatchSplitsGiveIdenticalState(t *testing.T) {
	log := randomLog(7, 400)
	// Checkpoints every 16 indexes: the fingerprint covers them, so they
	// too must not depend on the batch boundaries.
	one := newTestMachine(t, ledger{}, MachineOptions{CheckpointEvery: 16})
	want := applyInSplits(t, one, log, func() int { return 1 })
	wantIndex, wantSum, wantHead := fingerprint(t, one)
	if cps, err := one.Checkpoints(); err != nil || len(cps) != 400/16 {
		t.Fatalf("%d checkpoints (%v), want %d", len(cps), err, 400/16)
	}
	if wantIndex != 400 || len(wantHead) == 0 {
		t.Fatalf("applied %d, head %x", wantIndex, wantHead)
	}
	refused, repeats := 0, 0
	for _, a := range want {
		if a.Result.Refused {
			refused++
		}
		if a.Result.Repeat {
			repeats++
		}
	}
	if refused < 20 || repeats < 10 {
		t.Fatalf("the log does not exercise refusals (%d) and repeats (%d)", refused, repeats)
	}

	rng := rand.New(rand.NewPCG(3, 4))
	splits := map[string]func() int{
		"sevens":  func() int { return 7 },
		"random":  func() int { return 1 + rng.IntN(64) },
		"maximal": func() int { return 64 },
	}
	for name, next := range splits {
		t.Run(name, func(t *testing.T) {
			m := newTestMachine(t, ledger{}, MachineOptions{CheckpointEvery: 16})
			got := applyInSplits(t, m, log, next)
			for i := range want {
				if !sameResult(got[i].Result, want[i].Result) {
					t.Fatalf("entry %d: %+v, one by one gave %+v", i+1, got[i].Result, want[i].Result)
				}
			}
			index, sum, head := fingerprint(t, m)
			if index != wantIndex || !bytes.Equal(sum, wantSum) || !bytes.Equal(head, wantHead) {
				t.Fatalf("state differs: index %d head %x, one by one %d head %x", index, head, wantIndex, wantHead)
			}
		})
	}
}

func sameResult(a, b Result) bool {
	return bytes.Equal(a.Data, b.Data) && a.Refused == b.Refused && a.Index == b.Index && a.Repeat == b.Repeat
}

func TestRefusalAtEveryPositionEqualsOneByOne(t *testing.T) {
	const n = 8
	for refusedAt := range n {
		var log []Entry
		for i := range n {
			text := fmt.Sprintf("put k%d v%d", i%3, i)
			if i == refusedAt {
				text = fmt.Sprintf("cas k%d 99 stale", i%3) // writes, then refuses
			}
			log = append(log, Entry{Index: uint64(i + 1), Term: 1, Data: command(NewRequestID(), testEpoch, text)})
		}
		batch := newTestMachine(t, ledger{}, MachineOptions{})
		alone := newTestMachine(t, ledger{}, MachineOptions{})
		got := applyInSplits(t, batch, log, func() int { return n })
		want := applyInSplits(t, alone, log, func() int { return 1 })
		for i := range n {
			if !sameResult(got[i].Result, want[i].Result) || got[i].Result.Refused != (i == refusedAt) {
				t.Fatalf("refusal at %d, entry %d: batch %+v, alone %+v", refusedAt, i, got[i].Result, want[i].Result)
			}
		}
		_, a, ha := fingerprint(t, batch)
		_, b, hb := fingerprint(t, alone)
		if !bytes.Equal(a, b) || !bytes.Equal(ha, hb) {
			t.Fatalf("refusal at %d: batch and one-by-one states differ", refusedAt)
		}
	}
}

func TestRetriedRequestHasOneEffect(t *testing.T) {
	m := newTestMachine(t, ledger{}, MachineOptions{})
	id := NewRequestID()
	first, err := m.ApplyBatch([]Entry{
		{Index: 1, Term: 1, Data: command(id, testEpoch, "code k1")},
		{Index: 2, Term: 1, Data: command(id, testEpoch, "code k1")}, // committed twice in the log
	})
	if err != nil {
		t.Fatal(err)
	}
	_, sumBefore, headBefore := fingerprint(t, m)
	later, err := m.ApplyBatch([]Entry{{Index: 3, Term: 2, Data: command(id, testEpoch.Add(time.Minute), "code k1")}})
	if err != nil {
		t.Fatal(err)
	}
	code := first[0].Result.Data
	if len(code) != 6 || first[0].Result.Repeat {
		t.Fatalf("first application answered %+v", first[0].Result)
	}
	for _, r := range []Result{first[1].Result, later[0].Result} {
		if !r.Repeat || !bytes.Equal(r.Data, code) || r.Index != 1 {
			t.Fatalf("a retry answered %+v, want the first code %s at index 1", r, code)
		}
	}
	_, sumAfter, headAfter := fingerprint(t, m)
	if !bytes.Equal(headBefore, headAfter) {
		t.Fatal("a retried request wrote to the chain")
	}
	if bytes.Equal(sumBefore, sumAfter) {
		t.Fatal("the applied index did not move (the fingerprint should include it)")
	}

	// A refused request is remembered as refused: its retry is not applied.
	refusal, err := m.ApplyBatch([]Entry{
		{Index: 4, Term: 2, Data: command(id2(1), testEpoch, "cas k1 42 x")},
		{Index: 5, Term: 2, Data: command(id2(1), testEpoch, "cas k1 42 x")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !refusal[0].Result.Refused || !refusal[1].Result.Refused || !refusal[1].Result.Repeat {
		t.Fatalf("refused request and its retry: %+v", refusal)
	}
}

func id2(n byte) RequestID { return RequestID{0xee, n} }

func TestRequestIDsAreForgottenByIndex(t *testing.T) {
	m := newTestMachine(t, ledger{}, MachineOptions{KeepRequests: 3})
	id := NewRequestID()
	log := []Entry{{Index: 1, Term: 1, Data: command(id, testEpoch, "put a 1")}}
	for i := 2; i <= 5; i++ {
		log = append(log, Entry{Index: uint64(i), Term: 1, Data: command(NewRequestID(), testEpoch, "put b 1")})
	}
	log = append(log, Entry{Index: 6, Term: 1, Data: command(id, testEpoch, "put a 1")})
	got := applyInSplits(t, m, log, func() int { return 2 })
	if got[5].Result.Repeat || string(got[5].Result.Data) != "2" {
		t.Fatalf("an id older than the window was still remembered: %+v", got[5].Result)
	}
	var n int
	m.DB().View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketRequests).Stats().KeyN
		return nil
	})
	if n > 4 {
		t.Fatalf("%d request ids kept, want at most the window", n)
	}
}

func TestReplayOfAppliedEntriesIsNoOp(t *testing.T) {
	m := newTestMachine(t, ledger{}, MachineOptions{})
	log := randomLog(11, 50)
	applyInSplits(t, m, log, func() int { return 9 })
	_, before, _ := fingerprint(t, m)
	applyInSplits(t, m, log[10:], func() int { return 13 }) // raft replays after a restart
	_, after, _ := fingerprint(t, m)
	if !bytes.Equal(before, after) {
		t.Fatal("replaying applied entries changed the file")
	}
}

func TestHaltedNodeNeverSkipsAnEntry(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keydesk.db")
	m, err := NewMachine(openTestDB(t, path), ledger{}, MachineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.ApplyBatch([]Entry{
		{Index: 1, Term: 1, Data: command(NewRequestID(), testEpoch, "put a 1")},
		{Index: 2, Term: 1, Data: command(NewRequestID(), testEpoch, "fail")},
		{Index: 3, Term: 1, Data: command(NewRequestID(), testEpoch, "put b 1")},
	})
	if err == nil || m.Halted() == nil {
		t.Fatal("a command that cannot be applied did not halt the node")
	}
	got, err := m.ApplyBatch([]Entry{{Index: 4, Term: 1, Data: command(NewRequestID(), testEpoch, "put c 1")}})
	if err == nil || !errors.Is(got[0].Err, ErrHalted) {
		t.Fatalf("a halted node applied on: %v %+v", err, got)
	}
	if m.LastApplied() != 0 {
		t.Fatalf("applied index moved to %d past an entry that failed", m.LastApplied())
	}
	m.DB().Close()

	// After a restart (the fault repaired), the node resumes at entry 1.
	again, err := NewMachine(openTestDB(t, path), ledger{}, MachineOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer again.DB().Close()
	if again.LastApplied() != 0 {
		t.Fatalf("restart resumes after %d", again.LastApplied())
	}
}

func TestUnknownEntryVersionHalts(t *testing.T) {
	m := newTestMachine(t, ledger{}, MachineOptions{})
	data := command(NewRequestID(), testEpoch, "put a 1")
	data[0] = envelopeVersion + 1
	if _, err := m.ApplyBatch([]Entry{{Index: 1, Term: 1, Data: data}}); !errors.Is(err, errUnknownVersion) {
		t.Fatalf("an entry from a newer keydesk gave %v", err)
	}
}

// clockRecorder records the time each command was applied with.
type clockRecorder struct{ seen []time.Time }

func (c *clockRecorder) Exec(tx *bolt.Tx, at Position, cmd []byte) (Outcome, error) {
	c.seen = append(c.seen, at.Time)
	return Outcome{}, nil
}

func TestLogTimeNeverRunsBackwards(t *testing.T) {
	rec := &clockRecorder{}
	m := newTestMachine(t, rec, MachineOptions{})
	times := []time.Time{testEpoch, testEpoch.Add(-time.Hour), testEpoch.Add(time.Second)}
	for i, at := range times {
		if _, err := m.ApplyBatch([]Entry{{Index: uint64(i + 1), Term: 1, Data: command(NewRequestID(), at, "x")}}); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Time{testEpoch, testEpoch, testEpoch.Add(time.Second)}
	for i := range want {
		if !rec.seen[i].Equal(want[i]) {
			t.Fatalf("command %d applied at %v, want %v", i, rec.seen[i], want[i])
		}
	}
}

func TestSnapshotRestoreRoundTrip(t *testing.T) {
	log := randomLog(5, 300)
	src := newTestMachine(t, ledger{}, MachineOptions{})
	applyInSplits(t, src, log[:200], func() int { return 16 })
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// Not applying while the snapshot is held in this goroutine: a bbolt
	// read transaction blocks a writer that must grow the file's map.
	var buf bytes.Buffer
	if _, err := snap.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	snap.Release()
	applyInSplits(t, src, log[200:210], func() int { return 4 })
	if snap.Index != 200 {
		t.Fatalf("snapshot at %d, want 200", snap.Index)
	}

	replaced := 0
	dst := newTestMachine(t, ledger{}, MachineOptions{Replaced: func(*bolt.DB) { replaced++ }})
	applyInSplits(t, dst, randomLog(99, 20), func() int { return 5 }) // a different history, to be replaced
	if err := dst.Restore(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	if replaced != 1 || dst.LastApplied() != 200 {
		t.Fatalf("after restore: replaced %d, applied %d", replaced, dst.LastApplied())
	}
	applyInSplits(t, dst, log[200:], func() int { return 64 })
	applyInSplits(t, src, log[210:], func() int { return 1 })
	i1, s1, h1 := fingerprint(t, src)
	i2, s2, h2 := fingerprint(t, dst)
	if i1 != i2 || !bytes.Equal(s1, s2) || !bytes.Equal(h1, h2) {
		t.Fatalf("restored node differs: %d %x vs %d %x", i2, h2, i1, h1)
	}

	// A file that is not a node's database is refused; the node keeps its own.
	if err := dst.Restore(bytes.NewReader([]byte("not a database"))); err == nil {
		t.Fatal("garbage restored")
	}
	if i3, s3, _ := fingerprint(t, dst); i3 != i1 || !bytes.Equal(s3, s1) {
		t.Fatal("a refused restore changed the file")
	}
}

func TestJoinTokensAreOneTime(t *testing.T) {
	m := newTestMachine(t, ledger{}, MachineOptions{})
	token := NewJoinToken()
	op := func(i uint64, at time.Time, body []byte) Result {
		got, err := m.ApplyBatch([]Entry{{Index: i, Term: 1, Data: envelope{Kind: KindCluster, ID: NewRequestID(), Time: at, Body: body}.encode()}})
		if err != nil {
			t.Fatal(err)
		}
		return got[0].Result
	}
	if r := op(1, testEpoch, tokenCreateCommand(token, testEpoch.Add(time.Hour))); r.Refused {
		t.Fatalf("create: %s", r.Data)
	}
	if r := op(2, testEpoch, tokenUseCommand("kdjoin-wrong", "b")); !r.Refused {
		t.Fatal("an unknown token was accepted")
	}
	if r := op(3, testEpoch.Add(time.Minute), tokenUseCommand(token, "b")); r.Refused {
		t.Fatalf("use: %s", r.Data)
	}
	if r := op(4, testEpoch.Add(2*time.Minute), tokenUseCommand(token, "c")); !r.Refused || !bytes.Contains(r.Data, []byte("already used by node b")) {
		t.Fatalf("second use: %+v", r)
	}
	late := NewJoinToken()
	op(5, testEpoch, tokenCreateCommand(late, testEpoch.Add(time.Minute)))
	if r := op(6, testEpoch.Add(time.Hour), tokenUseCommand(late, "d")); !r.Refused || !bytes.Contains(r.Data, []byte("expired")) {
		t.Fatalf("expired token: %+v", r)
	}
}
