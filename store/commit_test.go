package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// Group commit: writes that arrive while a commit is in flight share the
// next transaction, and each still succeeds or fails alone.

// holdWrites starts a write that waits inside its transaction until the
// returned function is called, so that the writes started meanwhile queue
// up behind it.
func holdWrites(t *testing.T, s *Store) (release func()) {
	t.Helper()
	inside, done := make(chan struct{}), make(chan error)
	let := make(chan struct{})
	go func() {
		done <- s.commit(func(*bolt.Tx) error {
			close(inside)
			<-let
			return nil
		})
	}()
	<-inside
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(let)
			if err := <-done; err != nil {
				t.Errorf("the holding write: %v", err)
			}
		})
	}
	t.Cleanup(release) // a failed test must not leave the store locked
	return release
}

// waitQueued waits until n writes wait behind the one in flight.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.writes.mu.Lock()
		queued := len(s.writes.waiting)
		s.writes.mu.Unlock()
		if queued == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", queued, n)
		}
		runtime.Gosched()
	}
}

// lastTxID is the id of the last committed write transaction.
func lastTxID(t *testing.T, s *Store) int {
	t.Helper()
	var id int
	if err := s.DB().View(func(tx *bolt.Tx) error { id = tx.ID(); return nil }); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestGroupCommitRefusedOnesChangeNothing(t *testing.T) {
	s, _ := tOpen(t)
	const n = 12
	var serials []string
	for i := range n {
		serials = append(serials, fmt.Sprintf("SN-G%02d", i))
		tAddEmployee(t, s, fmt.Sprintf("Person%02d", i))
	}
	tImportKeys(t, s, serials...)
	tKeyIn(t, s, "SN-TAKEN", "Holder", model.Reserved)
	before := len(tAudit(t, s))
	snapBefore, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}

	// Every other write is refused, some before writing anything, some
	// after (the new employee is stored before its key is found taken).
	type result struct {
		ok  bool
		err error
	}
	ops := make([]func() result, 0, 2*n)
	for i := range n {
		ops = append(ops, func() result {
			_, err := s.AssignKey(model.LocalAdmin(fmt.Sprintf("admin%d", i)), Serial(serials[i]), tEmail(fmt.Sprintf("Person%02d", i)))
			return result{ok: true, err: err}
		})
		switch i % 3 {
		case 0:
			ops = append(ops, func() result {
				_, err := s.AssignKey(tAdmin, Serial("SN-TAKEN"), tEmail(fmt.Sprintf("Person%02d", i)))
				return result{err: err}
			})
		case 1:
			ops = append(ops, func() result {
				_, err := s.AddEmployee(tAdmin, tPerson(fmt.Sprintf("Newcomer%02d", i)), "SN-TAKEN")
				return result{err: err}
			})
		case 2:
			ops = append(ops, func() result {
				return result{err: s.DeleteEmployee(tAdmin, Email(tEmail("Holder")))}
			})
		}
	}

	release := holdWrites(t, s)
	txBefore := lastTxID(t, s)
	results := make([]result, len(ops))
	var wg sync.WaitGroup
	for i, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = op()
		}()
	}
	waitQueued(t, s, len(ops))
	release()
	wg.Wait()

	for i, r := range results {
		switch {
		case r.ok && r.err != nil:
			t.Errorf("write %d: %v, want success", i, r.err)
		case !r.ok && r.err == nil:
			t.Errorf("write %d succeeded, want a refusal", i)
		}
	}
	// The holding write and the group: two commits; the refused writes
	// ran again alone and were rolled back.
	if got := lastTxID(t, s) - txBefore; got != 2 {
		t.Errorf("%d commits for the holding write and the group, want 2", got)
	}
	for i, serial := range serials {
		k := tKey(t, s, serial)
		e := tEmployee(t, s, fmt.Sprintf("Person%02d", i))
		if k.Status != model.Reserved || k.EmployeeID != e.ID || e.KeyID != k.ID {
			t.Errorf("%s is %v tied to %d; %s holds %d", serial, k.Status, k.EmployeeID, e.Email, e.KeyID)
		}
	}
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Employees) != len(snapBefore.Employees) {
		t.Errorf("%d employees after the group, want %d: a refused write left one behind", len(snap.Employees), len(snapBefore.Employees))
	}
	if k := tKey(t, s, "SN-TAKEN"); k.Status != model.Reserved || k.EmployeeID != tEmployee(t, s, "Holder").ID {
		t.Errorf("the taken key changed: %+v", k)
	}
	// Each assignment's two entries, next to each other and in order;
	// nothing from the refused writes.
	audit := tAuditSince(t, s, before)
	if len(audit) != 2*n {
		t.Fatalf("%d audit entries after the group, want %d", len(audit), 2*n)
	}
	for i := 0; i < len(audit); i += 2 {
		a, b := audit[i], audit[i+1]
		if a.Action != model.ActionKeyAssigned || b.Action != model.ActionCodeShown || a.KeyID != b.KeyID || a.Actor != b.Actor {
			t.Errorf("entries %d and %d: %s %s by %s, %s %s by %s", i, i+1, a.Action, a.Target, a.Actor, b.Action, b.Target, b.Actor)
		}
	}
	tVerify(t, s)
	tCheckConsistent(t, s)
}

func TestGroupCommitLoneWriteIsNotDelayed(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-1")
	before := lastTxID(t, s)
	if _, err := s.Key("SN-1"); err != nil {
		t.Fatal(err)
	}
	tAddEmployee(t, s, "Alone")
	if got := lastTxID(t, s) - before; got != 1 {
		t.Errorf("%d commits for one write, want 1", got)
	}
}

// A refused write alone in its transaction saw the database as committed:
// its answer stands, it is not run a second time.
func TestGroupCommitRefusedAloneRunsOnce(t *testing.T) {
	s, _ := tOpen(t)
	runs := 0
	err := s.commit(func(*bolt.Tx) error {
		runs++
		return refused("no")
	})
	if !model.IsRefusal(err) || runs != 1 {
		t.Errorf("err %v after %d runs, want the refusal after 1", err, runs)
	}
}

// A write's fn may run more than once. twiceCommitter runs each fn once in
// a transaction it rolls back, lets between change the database, then
// commits fn's second run: what a write returns must be its last run's.
func twiceCommitter(s *Store, between func()) func(fn func(tx *bolt.Tx) error) error {
	errRollback := errors.New("rolled back on purpose")
	return func(fn func(tx *bolt.Tx) error) error {
		if err := s.db.Update(func(tx *bolt.Tx) error {
			if err := fn(tx); err != nil {
				return err
			}
			return errRollback
		}); !errors.Is(err, errRollback) {
			return err
		}
		if between != nil {
			between()
		}
		return s.groupCommit(fn)
	}
}

// zeroRandom makes every activation code the same.
type zeroRandom struct{}

func (zeroRandom) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestDeviceEnterCodeAnswersForItsLastRun(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "keydesk.db"), Options{NoSync: true, Random: zeroRandom{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	code := tKeyIn(t, s, "SN-1", "Holder", model.Reserved)
	if _, err := s.DeviceEnterCode(tAdmin, "SN-1", code); err != nil {
		t.Fatal(err)
	}
	// First run: the key is Active and waits for no code (refused, and
	// audited). Then it is suspended, with the same code again: the second
	// run activates it.
	s.committer = twiceCommitter(s, func() {
		s.committer = s.groupCommit
		if _, err := s.SuspendKey(tAdmin, Serial("SN-1"), ""); err != nil {
			t.Fatal(err)
		}
	})
	k, err := s.DeviceEnterCode(tAdmin, "SN-1", code)
	if err != nil || k.Status != model.Active {
		t.Fatalf("DeviceEnterCode: %v, %v; want the key Active", k.Status, err)
	}
}

// Every write of the store, each fn run twice: the answers are those of a
// single run.
func TestWritesCanRunTwice(t *testing.T) {
	s, _ := tOpen(t)
	s.committer = twiceCommitter(s, nil)
	tImportKeys(t, s, "SN-1", "SN-2", "SN-3", "SN-4")
	added, err := s.AddEmployee(tAdmin, tPerson("Ann"), "SN-1")
	if err != nil || added.Code == nil || added.Employee.KeyID == 0 {
		t.Fatalf("AddEmployee: %+v, %v", added, err)
	}
	handouts, err := s.ImportEmployees(tAdmin, []EmployeeRow{
		{Line: 2, EmployeeInput: tPerson("Bob"), KeySerial: "SN-2"},
		{Line: 3, EmployeeInput: tPerson("Cy"), KeySerial: "SN-3"},
		{Line: 4, EmployeeInput: tPerson("Dee")},
	})
	if err != nil || len(handouts) != 2 {
		t.Fatalf("ImportEmployees: %d handouts, %v; want 2", len(handouts), err)
	}
	view, err := s.AssignKey(tAdmin, Serial("SN-4"), tEmail("Dee"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeviceEnterCode(tAdmin, "SN-4", "12"); !model.IsRefusal(err) {
		t.Errorf("a code of two digits: %v, want a refusal", err)
	}
	if _, err := s.DeviceEnterCode(tAdmin, "SN-4", view.Digits); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SuspendKey(tAdmin, Serial("SN-4"), "leave"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditEmployee(tAdmin, Email(tEmail("Dee")), tPerson("Dora")); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordCodeEmail(tAdmin, "SN-4", tEmail("Dora"), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSMTPSettings(tAdmin, model.SMTPSettings{Host: "mail.example.com", Port: 587, From: "it@example.com", TLS: model.TLSStartTLS}, 0); err != nil {
		t.Fatal(err)
	}
	// One import entry per key, an employee and assignment with the code
	// shown for each of Ann, Bob and Cy, Dee created then assigned, ...
	var actions []string
	for _, e := range tAudit(t, s) {
		actions = append(actions, string(e.Action))
	}
	want := "key.imported key.imported key.imported key.imported " +
		"employee.created key.assigned code.shown " +
		"employee.created key.assigned code.shown employee.created key.assigned code.shown employee.created " +
		"key.assigned code.shown code.refused key.activated key.suspended code.shown employee.edited code.emailed settings.changed"
	if got := strings.Join(actions, " "); got != want {
		t.Errorf("audit:\n got %s\nwant %s", got, want)
	}
	tVerify(t, s)
	tCheckConsistent(t, s)
}
