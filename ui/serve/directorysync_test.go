package serve

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/store/ldapsource/slapdtest"
)

// The scheduled sync runs at once, applies with the same rules, and a
// refused one is kept for the screens (and logged).
func TestScheduledDirectorySync(t *testing.T) {
	srv := slapdtest.Start(t, []slapdtest.Person{
		{UID: "ann", First: "Ann", Last: "Lee", Mail: "ann@example.com"},
		{UID: "bob", First: "Bob", Last: "Day", Mail: "bob@example.com"},
	})
	st, err := store.Open(filepath.Join(t.TempDir(), "keydesk.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin := model.LocalAdmin("alice")
	settings := func(password string) {
		t.Helper()
		_, rev, err := st.DirectorySettings(admin)
		if err != nil {
			t.Fatal(err)
		}
		set := model.DefaultDirectorySettings()
		set.URL, set.CAFile = srv.URL, srv.CAFile
		set.BindDN, set.Password = slapdtest.ReaderDN, password
		set.BaseDN, set.Filter = slapdtest.PeopleDN, "(objectClass=inetOrgPerson)"
		set.Attributes.Company = ""
		if err := st.SetDirectorySettings(admin, set, rev, false); err != nil {
			t.Fatal(err)
		}
	}
	run := func() string {
		t.Helper()
		var logged lockedBuffer
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { runDirectorySync(ctx, st, time.Hour, log.New(&logged)); close(done) }()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(logged.String(), "directory sync") && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		cancel()
		<-done
		return logged.String()
	}

	settings(slapdtest.ReaderPW)
	if out := run(); !strings.Contains(out, "directory synced") {
		t.Fatalf("first run: %s", out)
	}
	d, err := st.DirectoryStatus(admin)
	if err != nil || d.Last.At.IsZero() || !strings.Contains(d.Last.Summary, "2 joiners") || d.Refused != nil {
		t.Fatalf("status after a scheduled sync: %+v %v", d, err)
	}

	settings("wrong")
	if out := run(); !strings.Contains(out, "refused; retrying") || !strings.Contains(out, "in=15m") {
		t.Fatalf("refused run: %s", out)
	}
	d, err = st.DirectoryStatus(admin)
	if err != nil || d.Refused == nil || !strings.Contains(d.Refused.Why, "Invalid Credentials") {
		t.Fatalf("status after a refused scheduled sync: %+v %v", d, err)
	}
}

// lockedBuffer is a log both the sync and the test touch.
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
