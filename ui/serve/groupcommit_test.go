package serve_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/cli"
)

// Admins working at once over SSH share commits; a refused command among
// them changes nothing and the others are stored.
func TestCommandsAtOnceShareCommitsAndRefusalsChangeNothing(t *testing.T) {
	h := newHarness(t)
	h.cfg.RunCommand = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, actor model.Actor) int {
		return cli.Run(ctx, args, cli.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Actor: actor, Store: h.st, Getenv: os.Getenv})
	}
	const n = 8
	rows := []store.KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "SN-TAKEN"}}}
	for i := range n {
		rows = append(rows, store.KeyRow{Line: i + 3, KeyInput: model.KeyInput{Serial: fmt.Sprintf("SN-%d", i)}})
	}
	if _, err := h.st.ImportKeys(model.LocalAdmin("test"), rows); err != nil {
		t.Fatal(err)
	}
	for i := range n + 1 {
		in := model.EmployeeInput{FirstName: fmt.Sprintf("P%d", i), LastName: "Tester", Email: fmt.Sprintf("p%d@example.com", i)}
		if _, err := h.st.AddEmployee(model.LocalAdmin("test"), in, map[bool]string{true: "SN-TAKEN"}[i == n]); err != nil {
			t.Fatal(err)
		}
	}
	auditBefore := auditCount(t, h.st)
	h.start()
	c := h.login(h.alice)

	type command struct {
		line   string
		status int // -1: 0 or 1, see below
	}
	var commands []command
	for i := range n {
		commands = append(commands, command{fmt.Sprintf("key assign SN-%d p%d@example.com", i, i), map[bool]int{true: -1, false: 0}[i == 0]})
	}
	commands = append(commands,
		command{"key assign SN-TAKEN p0@example.com", 1}, // the key is Reserved
		command{"key wiped SN-TAKEN", 1},                 // a Reserved key is not wiped
		command{"employee delete p8@example.com", 1},     // holds a key
		command{"key assign SN-NONE p1@example.com", 1},  // no such key
		// Both find SN-0 Ready before they queue: one of them gets it, and
		// a refused employee add must leave no employee behind.
		command{"employee add --first Newcomer --email new@example.com --key SN-0", -1},
	)

	// bbolt's writer is held while the commands start, so that they all
	// queue up: the first to arrive waits for the writer, the others for it.
	inside, let, held := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		held <- h.st.DB().Update(func(*bolt.Tx) error {
			close(inside)
			<-let
			return nil
		})
	}()
	<-inside
	var once sync.Once
	release := func() {
		once.Do(func() {
			close(let)
			if err := <-held; err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(release) // a failed test must not leave the database locked
	results := make([]result, len(commands))
	var wg sync.WaitGroup
	for i, cmd := range commands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = runCommand(t, c, cmd.line, "")
		}()
	}
	eventually(t, "every command waiting to commit", func() bool { return writesWaiting() == len(commands) })
	txBefore := lastTxID(t, h.st)
	release()
	wg.Wait()

	for i, cmd := range commands {
		if results[i].status != cmd.status && cmd.status >= 0 {
			t.Errorf("%s: exit %d (%s), want %d", cmd.line, results[i].status, strings.TrimSpace(results[i].stderr), cmd.status)
		}
	}
	newcomerWon := results[len(commands)-1].status == 0
	if newcomerWon == (results[0].status == 0) {
		t.Errorf("SN-0 to p0: exit %d, to a new employee: exit %d; want exactly one to succeed", results[0].status, results[len(commands)-1].status)
	}
	// The holding write, the first command alone, then everyone else.
	if commits := lastTxID(t, h.st) - txBefore; commits > 3 {
		t.Errorf("%d commits for %d assignments, want at most 3", commits, n)
	}
	for i := range n {
		holder := fmt.Sprintf("p%d@example.com", i)
		if i == 0 && newcomerWon {
			holder = "new@example.com"
		}
		k, err := h.st.Key(fmt.Sprintf("SN-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		e, err := h.st.Employee(holder)
		if err != nil {
			t.Fatal(err)
		}
		if k.Status != model.Reserved || k.EmployeeID != e.ID || e.KeyID != k.ID {
			t.Errorf("%s is %v tied to %d, %s holds %d", k.Serial, k.Status, k.EmployeeID, e.Email, e.KeyID)
		}
	}
	if _, err := h.st.Employee("new@example.com"); !newcomerWon && !model.IsRefusal(err) {
		t.Errorf("the refused employee was stored: %v", err)
	}
	if k, _ := h.st.Key("SN-TAKEN"); k.Status != model.Reserved {
		t.Errorf("SN-TAKEN is %v", k.Status)
	}
	// Each assignment's two entries (assigned, code shown), and the new
	// employee's if it won; nothing else.
	want := 2 * n
	if newcomerWon {
		want++
	}
	if got := auditCount(t, h.st) - auditBefore; got != want {
		t.Errorf("%d audit entries, want %d", got, want)
	}
	if _, err := h.st.VerifyAudit(); err != nil {
		t.Error(err)
	}
}

func auditCount(t *testing.T, st *store.Store) int {
	t.Helper()
	n := 0
	if err := st.AuditOldestFirst(model.LocalAdmin("test"), func(model.AuditEntry) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func lastTxID(t *testing.T, st *store.Store) int {
	t.Helper()
	var id int
	if err := st.DB().View(func(tx *bolt.Tx) error { id = tx.ID(); return nil }); err != nil {
		t.Fatal(err)
	}
	return id
}

// writesWaiting counts the goroutines waiting in the store's commit queue
// or for bbolt's writer from it.
func writesWaiting() int {
	buf := make([]byte, 1<<22)
	stacks := string(buf[:runtime.Stack(buf, true)])
	return strings.Count(stacks, "store.(*Store).groupCommit(")
}
