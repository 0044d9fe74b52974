package e2e

import (
	"bufio"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stopDeadline is how long `keydesk serve` may take to stop on SIGTERM:
// its grace for open sessions is 5 s, then a second to say goodbye.
const stopDeadline = 8 * time.Second

// server is a running `keydesk serve`.
type server struct {
	cmd      *exec.Cmd
	logPath  string // its stderr
	addrFile string // <db>.serve, written while it runs
	host     string
	port     string
	done     chan struct{} // closed when it has exited
}

// startServe runs `keydesk serve` on db on a free port, with its host key
// and authorized keys in dir, and waits until it has written its
// address. It is killed if still running when the test ends.
func startServe(t *testing.T, db, dir string) *server {
	t.Helper()
	return startServeWith(t, db, dir, nil)
}

// startServeWith is startServe with more environment (KEY=value) and
// flags.
func startServeWith(t *testing.T, db, dir string, env []string, flags ...string) *server {
	t.Helper()
	srv := &server{
		logPath:  filepath.Join(dir, "serve.log"),
		addrFile: db + ".serve",
		done:     make(chan struct{}),
	}
	logFile, err := os.Create(srv.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	srv.cmd = exec.Command(keydeskBin, "--db", db, "serve",
		"--listen", "127.0.0.1:0",
		"--host-key", filepath.Join(dir, "host_ed25519"),
		"--authorized-keys", filepath.Join(dir, "authorized_keys"))
	srv.cmd.Args = append(srv.cmd.Args, flags...)
	srv.cmd.Env = append(testEnv(), env...)
	srv.cmd.Stdout, srv.cmd.Stderr = logFile, logFile
	if err := srv.cmd.Start(); err != nil {
		t.Fatalf("cannot start keydesk serve: %v", err)
	}
	go func() {
		srv.cmd.Wait()
		close(srv.done)
	}()
	t.Cleanup(func() {
		if t.Failed() {
			srv.logTo(t)
		}
		select {
		case <-srv.done:
		default:
			srv.cmd.Process.Kill()
			<-srv.done
		}
	})
	srv.waitForAddress(t)
	return srv
}

// waitForAddress reads host:port from the address file once serve has
// written it.
func (srv *server) waitForAddress(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(screenDeadline)
	for {
		if host, port, ok := readAddressFile(srv.addrFile); ok {
			srv.host, srv.port = host, port
			return
		}
		select {
		case <-srv.done:
			t.Fatalf("keydesk serve exited at start with status %d", srv.cmd.ProcessState.ExitCode())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("keydesk serve did not write %s within %s", srv.addrFile, screenDeadline)
		}
		time.Sleep(pollEvery)
	}
}

func readAddressFile(path string) (host, port string, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", false
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		return "", "", false // not written yet
	}
	host, port, err = net.SplitHostPort(strings.TrimSpace(line))
	return host, port, err == nil
}

// stop sends SIGTERM, as a service manager would, and returns the exit
// status.
func (srv *server) stop(t *testing.T) int {
	t.Helper()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatalf("cannot signal keydesk serve: %v", err)
	}
	select {
	case <-srv.done:
		return srv.cmd.ProcessState.ExitCode()
	case <-time.After(stopDeadline):
		t.Fatalf("keydesk serve did not stop within %s of SIGTERM", stopDeadline)
		return 0
	}
}

func (srv *server) logTo(t *testing.T) {
	data, err := os.ReadFile(srv.logPath)
	if err != nil {
		t.Logf("cannot read the log of keydesk serve: %v", err)
		return
	}
	t.Logf("keydesk serve's log:\n%s", data)
}

// sshClient is OpenSSH's ssh, logging in to serve with one key and
// nothing from the user's own configuration.
type sshClient struct {
	host, port, identity string
}

// args are ssh's arguments up to and including the host.
func (c sshClient) args() []string {
	return []string{
		"-F", "none", // no ~/.ssh/config, no /etc/ssh/ssh_config
		"-p", c.port,
		"-i", c.identity,
		"-o", "IdentitiesOnly=yes",
		"-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null",
		"-o", "LogLevel=ERROR",
		"-o", "ConnectTimeout=5",
		c.host,
	}
}

// run runs one keydesk command through serve.
func (c sshClient) run(t *testing.T, command ...string) result {
	t.Helper()
	return run(t, commandDeadline, "ssh", append(c.args(), command...)...)
}
