package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/cli"
)

// follower is one `audit follow` session over SSH, its lines collected.
type follower struct {
	out, errOut *syncBuffer
	done        chan error
}

func startFollower(t *testing.T, h *harness, who admin, args string) *follower {
	t.Helper()
	sess, err := h.login(who).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	f := &follower{out: &syncBuffer{}, errOut: &syncBuffer{}, done: make(chan error, 1)}
	sess.Stdout = f.out
	sess.Stderr = f.errOut
	if err := sess.Start("audit follow --format jsonl " + args); err != nil {
		t.Fatal(err)
	}
	go func() { f.done <- sess.Wait() }()
	return f
}

type followedEntry struct {
	Seq      uint64 `json:"seq"`
	Action   string `json:"action"`
	Hash     string `json:"hash"`
	PrevHash string `json:"prev_hash"`
}

// entries are the whole lines printed so far (a line cut by the end of
// the connection is not one).
func (f *follower) entries(t *testing.T) []followedEntry {
	t.Helper()
	text := f.out.String()
	var got []followedEntry
	for _, line := range strings.SplitAfter(text, "\n") {
		if !strings.HasSuffix(line, "\n") {
			break
		}
		var e followedEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("not an entry: %q (%v)", line, err)
		}
		got = append(got, e)
	}
	return got
}

func (f *follower) reaches(t *testing.T, seq uint64) {
	t.Helper()
	eventually(t, fmt.Sprintf("the follower printing entry %d", seq), func() bool {
		got := f.entries(t)
		return len(got) > 0 && got[len(got)-1].Seq >= seq
	})
}

// TestAuditFollowSeesEveryEntryOnceAcrossARestart: an auditor follows the
// trail over SSH while admins write; serve stops (the follower is cut
// off), entries are written with serve down, serve starts again on the
// reopened file, and the follower resumes with --since its last seq and
// hash. Every entry is printed exactly once, in order, chained.
func TestAuditFollowSeesEveryEntryOnceAcrossARestart(t *testing.T) {
	h := newHarness(t)
	var current atomic.Pointer[store.Store]
	current.Store(h.st)
	h.cfg.RunCommand = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, actor model.Actor) int {
		return cli.Run(ctx, args, cli.Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Actor: actor, Store: current.Load(),
			Getenv: func(string) string { return "" }})
	}
	local := model.LocalAdmin("setup")
	audrey := newAdmin(t, "audrey")
	if _, err := h.st.AddAdmin(local, "audrey", model.RoleAuditor, audrey.line()); err != nil {
		t.Fatal(err)
	}
	addPeople := func(st *store.Store, from, to int) {
		for i := from; i < to; i++ {
			in := model.EmployeeInput{FirstName: fmt.Sprintf("P%d", i), Email: fmt.Sprintf("p%d@example.com", i)}
			if _, err := st.AddEmployee(local, in, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	head := func(st *store.Store) uint64 {
		a, err := st.AuditHead()
		if err != nil {
			t.Fatal(err)
		}
		return a.Seq
	}
	addPeople(h.st, 0, 5)
	h.start()

	first := startFollower(t, h, audrey, "")
	defer func() {
		if t.Failed() {
			t.Logf("first follower printed:\n%s", first.out.String())
		}
	}()
	first.reaches(t, head(h.st))
	addPeople(h.st, 5, 10)
	alice := h.login(h.alice)
	for i := 0; i < 3; i++ {
		if r := runCommand(t, alice, fmt.Sprintf("employee add --first Q%d --email q%d@example.com", i, i), ""); r.status != 0 {
			t.Fatalf("employee add over SSH: %+v", r)
		}
	}
	first.reaches(t, head(h.st))
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if err := <-first.done; err != nil {
		t.Errorf("the follower did not end cleanly when serve stopped: %v (%s)", err, first.errOut)
	}
	seen := first.entries(t)
	last := seen[len(seen)-1]
	// It ends as serve begins to stop, saying where to resume.
	if want := fmt.Sprintf("keydesk serve is stopping: resume with --since %d:%s\n", last.Seq, last.Hash); first.errOut.String() != want {
		t.Errorf("the follower said %q, want %q", first.errOut, want)
	}

	// serve is down: the file is written by commands on this machine.
	path := h.st.Path()
	h.st.Close()
	offline, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	addPeople(offline, 10, 14)
	offline.Close()

	reopened, err := store.Open(filepath.Clean(path), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reopened.Close() })
	current.Store(reopened)
	h.st, h.cfg.Store = reopened, reopened
	h.start()
	second := startFollower(t, h, audrey, fmt.Sprintf("--since %d:%s", last.Seq, last.Hash))
	addPeople(reopened, 14, 18)
	second.reaches(t, head(reopened))
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	<-second.done

	all := append(seen, second.entries(t)...)
	want := head(reopened)
	if uint64(len(all)) != want {
		t.Errorf("the follower printed %d entries, the trail has %d", len(all), want)
	}
	prev := ""
	for i, e := range all {
		if e.Seq != uint64(i+1) || e.PrevHash != prev {
			t.Fatalf("line %d: entry %d after %s, want entry %d after %s", i+1, e.Seq, e.PrevHash, i+1, prev)
		}
		prev = e.Hash
	}
	if all[len(all)-1].Action != string(model.ActionEmployeeCreated) {
		t.Errorf("the last entry printed is %s", all[len(all)-1].Action)
	}
}

// TestAuditFollowIsRefusedToHelpdesk: the helpdesk may not export the
// trail, so may not follow it.
func TestAuditFollowIsRefusedToHelpdesk(t *testing.T) {
	f := newRoleFixture(t)
	r := runCommand(t, f.h.login(f.helen), "audit follow", "")
	if r.status != 1 || !strings.Contains(r.stderr, "needs") || r.stdout != "" {
		t.Errorf("helpdesk following the trail: %+v", r)
	}
}
