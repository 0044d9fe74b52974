package serve_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Strangers at the SSH port: what they may cost the server is bounded,
// and they never lock the admins out, even from the same address.

func dialFrom(addr, from string) (net.Conn, error) {
	d := net.Dialer{Timeout: waitLimit}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	return d.Dial("tcp", addr)
}

// bareConnect opens a TCP connection and closes it at once, as a health
// check or a port scan does.
func bareConnect(t testing.TB, addr string) {
	t.Helper()
	c, err := dialFrom(addr, "")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// closedByServer reports whether the server closed c within limit.
func closedByServer(c net.Conn, limit time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(limit))
	_, err := io.Copy(io.Discard, c) // the server's version line, then EOF
	return !errors.Is(err, os.ErrDeadlineExceeded)
}

// echo is an admin logging in and running a command, all within limit.
func (h *harness) echo(a admin, limit time.Duration) error {
	start := time.Now()
	c, err := ssh.Dial("tcp", h.addr, &ssh.ClientConfig{
		User: "admin", Auth: []ssh.AuthMethod{ssh.PublicKeys(a.signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: limit,
	})
	if err != nil {
		return err
	}
	defer c.Close()
	done := time.AfterFunc(limit-time.Since(start), func() { c.Close() })
	defer done.Stop()
	sess, err := c.NewSession()
	if err != nil {
		return err
	}
	defer sess.Close()
	out, err := sess.Output("echo hi")
	switch {
	case time.Since(start) > limit:
		return fmt.Errorf("took %v", time.Since(start).Round(time.Millisecond))
	case err != nil:
		return err
	case string(out) != "hi\n":
		return fmt.Errorf("echo printed %q", out)
	}
	return nil
}

// strangerDial is a client offering a key nobody authorised.
func (h *harness) strangerDial(t testing.TB) {
	t.Helper()
	if c, err := h.dial(ssh.PublicKeys(newAdmin(t, "stranger").signer)); err == nil {
		c.Close()
		t.Error("a stranger logged in")
	}
}

// A TCP health check or a scan is no failed login: it never shuts the
// address out.
func TestBareConnectsAreNoFailedLogins(t *testing.T) {
	h := newHarness(t)
	h.start()
	for range 20 {
		bareConnect(t, h.addr)
	}
	if err := h.echo(h.alice, waitLimit); err != nil {
		t.Fatalf("alice after 20 bare connects from her address: %v", err)
	}
	if strings.Contains(h.log.String(), "failed logins") {
		t.Errorf("the log counts bare connects as failed logins:\n%s", h.log)
	}
}

// Refused keys and passwords shut the address out, which slows its
// refusals down and stops logging them one by one, but lets in every
// client that proves an authorised key.
func TestFailedLoginsSlowTheAddressButNeverLockItsAdminsOut(t *testing.T) {
	h := newHarness(t)
	h.start()
	for range 3 {
		h.strangerDial(t)
	}
	if c, err := h.dial(ssh.Password("secret")); err == nil {
		c.Close()
		t.Fatal("a password was accepted")
	}
	h.strangerDial(t)
	if got := strings.Count(h.log.String(), "login refused"); got != 4 {
		t.Errorf("%d refusals logged, want 4:\n%s", got, h.log)
	}
	h.strangerDial(t) // the fifth
	eventually(t, "the shut-out", func() bool { return strings.Contains(h.log.String(), "too many failed logins") })

	for i := range 3 {
		if err := h.echo(h.alice, waitLimit); err != nil {
			t.Fatalf("alice, try %d from the shut-out address: %v", i+1, err)
		}
	}
	start := time.Now()
	h.strangerDial(t)
	if took := time.Since(start); took < 900*time.Millisecond {
		t.Errorf("a refusal to the shut-out address took %v, want about a second", took)
	}
	if got := strings.Count(h.log.String(), "login refused"); got != 4 {
		t.Errorf("%d refusals logged, want still 4 once shut out", got)
	}
}

// A connection that does not log in within the login grace time is
// closed; one that logged in is not.
func TestLoginGraceTime(t *testing.T) {
	h := newHarness(t)
	h.cfg.LoginGraceTime = 300 * time.Millisecond
	h.start()
	admin := h.login(h.alice)

	silent, err := dialFrom(h.addr, "")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	slow, err := dialFrom(h.addr, "")
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	go func() { // one byte now and then keeps no handshake alive
		for _, b := range []byte("SSH-2.0-slow\r\n") {
			if _, err := slow.Write([]byte{b}); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	for name, c := range map[string]net.Conn{"a silent connection": silent, "a slow one": slow} {
		if !closedByServer(c, waitLimit) {
			t.Errorf("%s is still open after the grace time", name)
		}
	}
	if !strings.Contains(h.log.String(), "did not log in within the login grace time") {
		t.Errorf("the log does not say why:\n%s", h.log)
	}
	if r := runCommand(t, admin, "echo still here", ""); r.stdout != "still here\n" {
		t.Errorf("the logged-in connection: %+v", r)
	}
}

// Past the cap of connections not logged in from one address, a
// newcomer waits its turn; once the ones holding the places have stalled
// (these never speak), they are closed to give the waiters their turn
// (of equals, the oldest first), and an admin from that address still
// gets in.
func TestUnauthenticatedCapPerAddress(t *testing.T) {
	h := newHarness(t)
	h.cfg.MaxUnauthenticatedPerHost = 3
	h.start()
	var held []net.Conn
	for range 5 {
		c, err := dialFrom(h.addr, "")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
		time.Sleep(20 * time.Millisecond) // each older than the next
	}
	for i, c := range held {
		limit := 300 * time.Millisecond
		if i < 2 {
			limit = waitLimit // they stall first
		}
		if closed := closedByServer(c, limit); closed != (i < 2) {
			t.Errorf("connection %d of 5: closed %v", i+1, closed)
		}
	}
	if !strings.Contains(h.log.String(), "too many connections not logged in from this address") {
		t.Errorf("the log does not say the cap refused someone:\n%s", h.log)
	}
	if err := h.echo(h.alice, waitLimit); err != nil {
		t.Fatalf("alice while her address holds the cap: %v", err)
	}
}

// Past the cap in all, the connection closed is one of the address
// holding the most (of equals, the oldest).
func TestUnauthenticatedCapInAll(t *testing.T) {
	h := newHarness(t)
	h.cfg.MaxUnauthenticated = 4
	h.start()
	if c, err := dialFrom(h.addr, "127.0.0.2"); err != nil {
		t.Skipf("cannot connect from 127.0.0.2 here: %v", err)
	} else {
		c.Close()
		time.Sleep(100 * time.Millisecond) // the server sees it closed, and counts it out
	}
	open := func(from string) net.Conn {
		c, err := dialFrom(h.addr, from)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		time.Sleep(20 * time.Millisecond)
		return c
	}
	other := open("127.0.0.3")
	crowd := []net.Conn{open("127.0.0.2"), open("127.0.0.2"), open("127.0.0.2")}
	open("127.0.0.3") // the fifth: 127.0.0.2 holds the most
	if !closedByServer(crowd[0], time.Second) {
		t.Error("the oldest connection of the busiest address is still open")
	}
	for i, c := range append(crowd[1:], other) {
		if closedByServer(c, 200*time.Millisecond) {
			t.Errorf("connection %d was closed too", i+2)
		}
	}
	if !strings.Contains(h.log.String(), "too many connections not logged in: closed the one least worth keeping, from the address with the most") {
		t.Errorf("the log does not say the cap refused someone:\n%s", h.log)
	}
}

// Past the cap of sessions, a new one is refused, saying so; it is taken
// again once a session ends.
func TestSessionCap(t *testing.T) {
	h := newHarness(t)
	h.cfg.MaxSessions = 1
	h.start()
	c := h.login(h.alice)
	blocked, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := blocked.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := blocked.Start("block"); err != nil {
		t.Fatal(err)
	}
	<-h.commands.blocked

	r := runCommand(t, h.login(h.bob), "echo hi", "")
	if r.status != 1 || r.stderr != "keydesk serve has too many sessions open: try again later\n" || r.stdout != "" {
		t.Errorf("a session past the cap: %+v", r)
	}
	if !strings.Contains(h.log.String(), "session refused: too many sessions open") {
		t.Errorf("the log does not say the cap refused someone:\n%s", h.log)
	}
	stdin.Close()
	blocked.Wait()
	eventually(t, "the session cap to free up", func() bool {
		return runCommand(t, c, "echo hi", "").stdout == "hi\n"
	})
}

// The goal: while a script from the admin's own address makes 200 bare
// connects, holds 50 slow half-open connections and tries 100 unknown
// keys, the admin logs in and runs a command within 2 s in 10 of 10
// tries. The issue gives the script a minute; here it has 5 seconds,
// twelve times the rate, to keep the test short.
func TestAdminGetsInWhileAStrangerAttacksFromTheSameAddress(t *testing.T) {
	h := newHarness(t)
	h.cfg.LoginGraceTime = time.Second
	h.start()

	const attackTime = 5 * time.Second
	stop := make(chan struct{})
	var attackers sync.WaitGroup
	var bare, slowOpened, keysTried atomic.Int64
	attack := func(f func()) {
		attackers.Add(1)
		go func() {
			defer attackers.Done()
			f()
		}()
	}
	attack(func() {
		for range 200 {
			if c, err := dialFrom(h.addr, ""); err == nil {
				c.Close()
				bare.Add(1)
			}
			time.Sleep(attackTime / 200)
		}
	})
	for i := range 50 {
		attack(func() { // one slow connection, opened again when the server closes it
			time.Sleep(time.Duration(i) * 20 * time.Millisecond)
			for range 20 {
				c, err := dialFrom(h.addr, "")
				if err != nil {
					return
				}
				slowOpened.Add(1)
				for _, b := range []byte("SSH-2.0-slow\r\n") {
					select {
					case <-stop:
						c.Close()
						return
					case <-time.After(500 * time.Millisecond):
					}
					if _, err := c.Write([]byte{b}); err != nil {
						break
					}
				}
				c.Close()
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
	for range 5 {
		attack(func() {
			for range 20 {
				h.strangerDial(t)
				keysTried.Add(1)
				time.Sleep(attackTime / 20 / 2)
			}
		})
	}

	time.Sleep(300 * time.Millisecond) // the attack is under way
	var failures []string
	for i := range 10 {
		if err := h.echo(h.alice, 2*time.Second); err != nil {
			failures = append(failures, fmt.Sprintf("try %d: %v", i+1, err))
		}
		time.Sleep(attackTime / 12)
	}
	close(stop)
	attackers.Wait()

	t.Logf("attack: %d bare connects, %d slow connections opened, %d unknown keys tried; admin failures: %v",
		bare.Load(), slowOpened.Load(), keysTried.Load(), failures)
	if len(failures) > 0 {
		t.Errorf("the admin failed %d of 10 tries:\n%s", len(failures), strings.Join(failures, "\n"))
	}
	if bare.Load() != 200 || slowOpened.Load() < 50 || keysTried.Load() != 100 {
		t.Errorf("the attack did not run whole")
	}
	for _, want := range []string{"too many failed logins", "too many connections not logged in from this address"} {
		if !strings.Contains(h.log.String(), want) {
			t.Errorf("the log never says %q: the attack did not reach the limits", want)
		}
	}
}
