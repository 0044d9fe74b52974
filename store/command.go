package store

import (
	"crypto/rand"
	"fmt"
	"io"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// A write is a command: a plain value that holds everything the write
// depends on besides the database (who, what, when, and the seed of every
// random choice), applied by apply, which reads nothing else. Applied twice,
// or on two files, it writes the same bytes: group commit can run it again,
// a test can replay a history, and a log of commands can be shipped.

// Command is one write, every input fixed.
type Command struct {
	Version uint16
	// RequestID, when not zero, names the request: a command whose id was
	// applied already is not applied again (see requests.go).
	RequestID [16]byte
	Op        model.Operation
	// Actor is who asks, as the session knows them; Bootstrap already says
	// whether authorized_keys lists the key now.
	Actor model.Actor
	Args  Args
	Time  time.Time
	// Seed makes every random choice of the command (activation codes,
	// the nonces of what is sealed) through a ChaCha8 stream.
	Seed [32]byte
}

// Args are an operation's arguments, and the body that applies them.
// Bodies read the database through tx and everything else from env.
type Args interface {
	apply(s *Store, tx *bolt.Tx, env *applyEnv) (any, error)
}

// permits is implemented by arguments whose command is several operations
// at once (adding an employee with a key is adding and assigning): each
// must be allowed.
type permits interface {
	operations(op model.Operation) []model.Operation
}

// unchecked is implemented by arguments of bookkeeping that no admin asks
// for (noting a login): no role check, no audit entry of a refusal.
type unchecked interface{ bookkeeping() }

// newCommand fixes what a write depends on outside the database: the
// clock, the randomness, and whether authorized_keys lists the actor's
// key. It is the one place of a write that reads them.
func (s *Store) newCommand(who model.Actor, op model.Operation, args Args) (*Command, error) {
	cmd := &Command{Version: commandVersion, Op: op, Actor: s.listed(who), Args: args, Time: s.now()}
	random := s.random
	if random == nil {
		random = rand.Reader
	}
	s.randomMu.Lock()
	_, err := io.ReadFull(random, cmd.Seed[:])
	s.randomMu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("drawing the random seed of a write: %w", err)
	}
	return cmd, nil
}

// exec builds who's command and applies it through the committer.
func (s *Store) exec(who model.Actor, op model.Operation, args Args) (result any, err error) {
	cmd, err := s.newCommand(who, op, args)
	if err != nil {
		return nil, err
	}
	defer s.observeOperation(op, time.Now(), &err)
	// Where a command is asked for, not where it is applied (a replay
	// applies the same commands, and must write the same bytes): a damaged
	// file is not written to (sound.go), and a refusal identical to one
	// just written is counted, not written again (refusals.go).
	if err = s.CheckSound(); err != nil && op != model.OpBackup {
		return nil, err
	}
	var again bool
	if again, err = s.refusedAgain(cmd); again {
		return nil, err
	}
	return s.execCommand(cmd)
}

// execAs is exec for a command whose answer is a T (the zero T when it
// has none, as when it was refused).
func execAs[T any](s *Store, who model.Actor, op model.Operation, args Args) (T, error) {
	out, err := s.exec(who, op, args)
	v, _ := out.(T)
	return v, err
}

// execCommand applies a command in one write transaction. A refused
// operation changes nothing but the audit trail, which records an access
// refusal.
func (s *Store) execCommand(cmd *Command) (any, error) {
	// A backup is let through a file that is gone: it is the way to save
	// what the open file holds.
	rescue := cmd.Op == model.OpBackup
	if err := s.refuseIfGone(); err != nil && !rescue {
		return nil, err
	}
	if s.ReadOnly() {
		return nil, fmt.Errorf("the database %s is open read-only here: %s changes it", s.path, cmd.Op.Doing())
	}
	if node := s.replicaNode(); node != nil {
		return s.proposeCommand(node, cmd) // replicated.go
	}
	if !s.single.Load() && IsClusterNode(s.path) {
		// Written here, the change would be on this node only: the others
		// would never apply it, and the audit chains would fork.
		return nil, fmt.Errorf("the database %s belongs to a cluster: %s goes through a running node (keydesk serve --cluster), over SSH", s.path, cmd.Op.Doing())
	}
	// Asked once: a file becomes a node's only by InitCluster on this
	// open store (which routes its writes through the node from then on)
	// or by JoinCluster, which makes a file nobody has open; bbolt's lock
	// keeps every other process out while this store is open.
	s.single.Store(true)
	var result any
	err := s.commit(func(tx *bolt.Tx) error {
		var err error
		result, err = s.apply(tx, cmd)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Committed, but to the file the path still names? If not, the
	// change is lost to everyone else: it must not be acknowledged.
	if err := s.CheckFile(); err != nil && !rescue {
		return nil, err
	}
	if _, bookkeeping := cmd.Args.(unchecked); !bookkeeping {
		s.notify() // no screen shows what bookkeeping changes
	}
	if r, ok := result.(committedRefusal); ok {
		return r.value, r.err
	}
	return result, nil
}

// committedRefusal is the result of a command that was refused and
// recorded (an access refusal, a wrong activation code): the transaction
// commits, and the caller gets err.
type committedRefusal struct {
	value any
	err   error
}

// applyEnv is what a command's body may know besides the database: the
// command's time, its random stream, and the actor as the audit trail
// names them.
type applyEnv struct {
	Now    time.Time
	Random io.Reader
	By     string
}
