package store

import (
	"fmt"
	"sync"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// Every refusal is audited, but a key that sends the same refused command
// in a loop must not grow the trail by an entry each time: the first
// refusal is written at once, the identical ones after it (same admin,
// same operation, same reason) within refusalWindow are counted, and the
// count is written as one more entry when the window is over (or the
// store closes). Each is still refused, with the same message.
//
// Identical means from the same admin key, not only the same session: a
// new SSH session costs nothing to open.

// refusalWindow is how long identical refusals are counted together.
const refusalWindow = time.Minute

// maxRefusalRuns bounds the memory of the count: past it, refusals are
// written one by one again, as before.
const maxRefusalRuns = 1024

type refusalRun struct {
	entry  model.AuditEntry // the first one, as written
	since  time.Time
	more   int
	closed bool // written out; guarded by refusals.mu
}

type refusals struct {
	window time.Duration // 0: refusalWindow

	mu   sync.Mutex
	runs map[string]*refusalRun
	done bool // the store is closed
}

func refusalKey(e model.AuditEntry) string { return e.Actor + "\x00" + e.Target + "\x00" + e.Note }

// refusedAgain reports whether cmd is refused with the same reason as a
// refusal already written within the window; it is then counted, and the
// refusal returned, with nothing written. Local admins are never
// refused, and bookkeeping is not checked: neither is looked up.
func (s *Store) refusedAgain(cmd *Command) (bool, error) {
	if _, ok := cmd.Args.(unchecked); ok || cmd.Actor.Local() {
		return false, nil
	}
	ops := []model.Operation{cmd.Op}
	if p, ok := cmd.Args.(permits); ok {
		ops = p.operations(cmd.Op)
	}
	var entry model.AuditEntry
	var denied error
	err := s.view(func(tx *bolt.Tx) error {
		actor, op, err := s.permit(tx, cmd.Actor, ops)
		if model.IsRefusal(err) {
			denied, entry = err, refusalEntry(actor, op, err)
			return nil
		}
		return err
	})
	if err != nil || denied == nil {
		return false, nil // the write finds the same, and says so
	}
	if s.refusals.count(s, entry, cmd.Time) {
		return true, denied
	}
	return false, nil
}

// count counts e if a run of its kind is open, else opens one (e is then
// to be written) and schedules its end.
func (r *refusals) count(s *Store, e model.AuditEntry, now time.Time) bool {
	key := refusalKey(e)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return false
	}
	if run := r.runs[key]; run != nil && !run.closed {
		run.more++
		return true
	}
	if r.runs == nil {
		r.runs = map[string]*refusalRun{}
	}
	if len(r.runs) >= maxRefusalRuns {
		return false
	}
	run := &refusalRun{entry: e, since: now}
	r.runs[key] = run
	window := r.window
	if window <= 0 {
		window = refusalWindow
	}
	time.AfterFunc(window, func() { r.end(s, key, run) })
	return false
}

// end closes a run and writes its count, if any.
func (r *refusals) end(s *Store, key string, run *refusalRun) {
	r.mu.Lock()
	if run.closed || r.done {
		r.mu.Unlock()
		return
	}
	run.closed = true
	delete(r.runs, key)
	more := run.more
	r.mu.Unlock()
	if more > 0 {
		s.writeRefusalCount(run, more)
	}
}

// closeAll writes every open count, for Close; later refusals are
// written one by one.
func (r *refusals) closeAll(s *Store) {
	r.mu.Lock()
	var open []*refusalRun
	for _, run := range r.runs {
		if !run.closed && run.more > 0 {
			open = append(open, run)
		}
		run.closed = true
	}
	r.runs = nil
	r.done = true
	r.mu.Unlock()
	for _, run := range open {
		s.writeRefusalCount(run, run.more)
	}
}

// writeRefusalCount writes the entry that counts a run's refusals after
// its first: a command of its own, bookkeeping that no admin asked for.
func (s *Store) writeRefusalCount(run *refusalRun, more int) {
	times := "times"
	if more == 1 {
		times = "time"
	}
	args := refusalCountArgs{Actor: run.entry.Actor, Target: run.entry.Target,
		Note: fmt.Sprintf("%s (refused %d more %s since %s, the same each time)",
			run.entry.Note, more, times, run.since.UTC().Format(time.RFC3339))}
	cmd, err := s.newCommand(model.Actor{}, 0, args)
	if err != nil {
		return
	}
	// Lost only with a file that refuses every write.
	_, _ = s.execCommand(cmd)
}

// refusalCountArgs write the count of identical refusals.
type refusalCountArgs struct{ Actor, Target, Note string }

func (refusalCountArgs) bookkeeping() {}

func (a refusalCountArgs) apply(s *Store, tx *bolt.Tx, _ *applyEnv) (any, error) {
	return nil, s.appendAudit(tx, model.AuditEntry{Actor: a.Actor, Action: model.ActionAccessRefused, Target: a.Target, Note: a.Note})
}
