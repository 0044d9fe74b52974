package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestAuditFollowLocally: with no serve, a follower on this machine
// prints the trail, lets a command write meanwhile (it does not hold the
// file between looks), prints that command's entry, and ends cleanly
// when stopped.
func TestAuditFollowLocally(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	env := Env{Getenv: func(string) string { return "" }}
	if status := Run(context.Background(), []string{"--db", db, "demo", "--keys", "20", "--employees", "10"}, env); status != 0 {
		t.Fatalf("demo: exit %d", status)
	}
	ctx, stop := context.WithCancel(context.Background())
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"--db", db, "audit", "follow", "--format", "jsonl"}, Env{Stdout: out, Stderr: errOut, Getenv: env.Getenv})
	}()
	lines := func() []auditRecord {
		var got []auditRecord
		for _, line := range strings.SplitAfter(out.String(), "\n") {
			if !strings.HasSuffix(line, "\n") {
				break
			}
			var r auditRecord
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("not an entry: %q", line)
			}
			got = append(got, r)
		}
		return got
	}
	waitFor(t, "the demo's trail", func() bool { return len(lines()) > 30 })
	before := len(lines())

	var wOut, wErr bytes.Buffer
	if status := Run(context.Background(), []string{"--db", db, "key", "wiped", "ST10100002310004"},
		Env{Stdout: &wOut, Stderr: &wErr, Getenv: env.Getenv}); status != 0 {
		t.Fatalf("a command while following: exit %d: %s", status, wErr.String())
	}
	waitFor(t, "the new entry", func() bool { return len(lines()) == before+1 })
	got := lines()
	last := got[len(got)-1]
	if last.Action != "key.wiped" || last.Seq != uint64(before+1) || last.PrevHash != got[before-1].Hash {
		t.Errorf("the new entry: %+v", last)
	}
	stop()
	select {
	case status := <-done:
		if status != 0 {
			t.Errorf("stopped: exit %d: %s", status, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("follow did not stop")
	}

	for _, c := range []struct {
		since  string
		status int
		says   string
	}{
		{"9999", 1, "ends at entry"},
		{"3:" + strings.Repeat("ab", 32), 1, "rewritten"},
		{"three", 2, "not an entry number"},
	} {
		var e bytes.Buffer
		status := Run(context.Background(), []string{"--db", db, "audit", "follow", "--since", c.since}, Env{Stderr: &e, Getenv: env.Getenv})
		if status != c.status || !strings.Contains(e.String(), c.says) {
			t.Errorf("--since %s: exit %d, %q", c.since, status, e.String())
		}
	}
}
