package e2e

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// burstSize is a provisioning script's, or an office's behind one NAT:
// many more logins at once from one address than serve lets handshake
// at once (10).
const burstSize = 40

// A burst of well-behaved logins from one address waits its turn rather
// than being closed: 40 `ssh HOST export keys` at once with an admin's
// key, and at least 39 of them export the keys. (Stock OpenSSH with its
// MaxStartups 10:30:100 drops 7 to 14 of them.)
func TestBurstOfLoginsFromOneAddressWaitsItsTurn(t *testing.T) {
	requireTools(t, "ssh", "ssh-keygen")
	dir := t.TempDir()
	db := dir + "/keydesk.db"
	mustSucceed(t, keydesk(t, "--db", db, "demo", "--keys", "30", "--employees", "20"))
	want := len(decodeExport[keyRecord](t, "keys", mustSucceed(t, keydesk(t, "--db", db, "export", "keys"))))
	id := newSSHIdentity(t, dir, "script")
	authorize(t, dir, id)
	srv := startServe(t, db, dir)
	c := sshClient{host: srv.host, port: srv.port, identity: id.path}

	type outcome struct {
		took time.Duration
		err  string
	}
	outcomes := make([]outcome, burstSize)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range burstSize {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			began := time.Now()
			r := run(t, commandDeadline, "ssh", append(c.args(), "export", "keys")...)
			o := outcome{took: time.Since(began)}
			switch {
			case r.code != 0:
				o.err = fmt.Sprintf("exit %d: %s", r.code, strings.TrimSpace(r.stderr))
			case !strings.HasPrefix(strings.TrimSpace(r.stdout), "["):
				o.err = "no JSON array: " + r.stdout
			default:
				if got := strings.Count(r.stdout, `"serial"`); got != want {
					o.err = fmt.Sprintf("%d keys exported, want %d", got, want)
				}
			}
			outcomes[i] = o
		}()
	}
	close(start)
	wg.Wait()

	var failed []string
	var took []time.Duration
	for i, o := range outcomes {
		took = append(took, o.took)
		if o.err != "" {
			failed = append(failed, fmt.Sprintf("login %d (after %v): %s", i+1, o.took.Round(time.Millisecond), o.err))
		}
	}
	slices.Sort(took)
	t.Logf("%d of %d logins exported the keys; time to the end of each: median %v, slowest %v",
		burstSize-len(failed), burstSize, took[len(took)/2].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond))
	if len(failed) > 1 {
		t.Errorf("%d of %d logins from one address failed, want at most 1:\n%s", len(failed), burstSize, strings.Join(failed, "\n"))
	}
}
