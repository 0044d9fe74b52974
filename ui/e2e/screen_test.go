package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	screenWidth  = 80
	screenHeight = 24
	// screenDeadline is how long a wait for the screen may take before the
	// test gives up: far more than any step needs.
	screenDeadline = 10 * time.Second
	pollEvery      = 50 * time.Millisecond
	// keptScreens is how many of the last different screens are logged
	// when a test fails.
	keptScreens = 12
)

// screen is a program running in an 80x24 tmux window, on a tmux server
// of the test's own (never the user's), read the way a person reads it.
type screen struct {
	t          *testing.T
	who        string // whose screen, in the failure log; "" when alone
	socket     string
	name       string
	statusFile string   // where the program's exit status is written
	history    []string // the last different captures, oldest first
}

// startScreen runs command (one shell command) in a new tmux window.
// The window and its server go away when the test ends; if it failed,
// the screens seen are logged.
func startScreen(t *testing.T, command string) *screen {
	t.Helper()
	return startScreenOf(t, "", command)
}

// startScreenOf is startScreen for a test with several screens: who
// names this one in the failure log.
func startScreenOf(t *testing.T, who, command string) *screen {
	t.Helper()
	// Not t.TempDir: a socket path must stay short (about 100 bytes).
	dir, err := os.MkdirTemp("", "kd-tmux-")
	if err != nil {
		t.Fatal(err)
	}
	conf, err := filepath.Abs(filepath.Join("testdata", "tmux.conf"))
	if err != nil {
		t.Fatal(err)
	}
	s := &screen{
		t:          t,
		who:        who,
		socket:     filepath.Join(dir, "tmux"),
		name:       sessionName(t),
		statusFile: filepath.Join(dir, "status"),
	}
	t.Cleanup(func() {
		if t.Failed() {
			s.logHistory()
		}
		exec.Command("tmux", "-S", s.socket, "kill-server").Run()
		os.RemoveAll(dir)
	})
	s.tmux("-f", conf, "new-session", "-d", "-s", s.name,
		"-x", fmt.Sprint(screenWidth), "-y", fmt.Sprint(screenHeight),
		command+"; echo $? >"+shellQuote(s.statusFile))
	return s
}

// sessionName is unique per test; tmux does not allow '.' or ':' in it.
func sessionName(t *testing.T) string {
	return "keydesk-" + regexp.MustCompile(`[^A-Za-z0-9_-]+`).ReplaceAllString(t.Name(), "-")
}

func (s *screen) tmux(args ...string) string {
	s.t.Helper()
	return mustSucceed(s.t, run(s.t, commandDeadline, "tmux", append([]string{"-S", s.socket}, args...)...))
}

// capture is the text on the screen now, without colours.
func (s *screen) capture() string {
	s.t.Helper()
	text := s.tmux("capture-pane", "-p", "-t", s.name)
	if n := len(s.history); n == 0 || s.history[n-1] != text {
		s.history = append(s.history, text)
		if len(s.history) > keptScreens {
			s.history = s.history[1:]
		}
	}
	return text
}

func (s *screen) logHistory() {
	whose := ""
	if s.who != "" {
		whose = s.who + "'s "
	}
	for i, text := range s.history {
		s.t.Logf("%sscreen %d of the last %d seen:\n%s", whose, i+1, len(s.history), text)
	}
}

// send presses keys by their tmux names ("Enter", "q", "Down").
func (s *screen) send(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

// typeText types text literally.
func (s *screen) typeText(text string) {
	s.t.Helper()
	s.tmux("send-keys", "-t", s.name, "-l", text)
}

// waitFor polls the screen until ready says it shows what is awaited, and
// returns that screen. The program exiting or the deadline passing fails
// the test with the last screen.
func (s *screen) waitFor(what string, ready func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(screenDeadline)
	for {
		text := s.capture()
		if ready(text) {
			return text
		}
		if status, ended := s.exitStatus(); ended {
			s.t.Fatalf("waiting for %s: the program exited with status %d; its last screen:\n%s", what, status, text)
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waited %s for %s; the screen:\n%s", screenDeadline, what, text)
		}
		time.Sleep(pollEvery)
	}
}

// waitExit waits for the program to end and returns its exit status.
func (s *screen) waitExit() int {
	s.t.Helper()
	deadline := time.Now().Add(screenDeadline)
	for {
		if status, ended := s.exitStatus(); ended {
			return status
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waited %s for the program to exit; the screen:\n%s", screenDeadline, s.capture())
		}
		time.Sleep(pollEvery)
	}
}

// exitStatus is the program's exit status once it has ended, as the shell
// around it wrote it down (128+N for signal N). tmux's own
// #{pane_dead_status} is not used: tmux 3.3 sometimes leaves it empty
// long after the program has ended.
func (s *screen) exitStatus() (status int, ended bool) {
	s.t.Helper()
	data, err := os.ReadFile(s.statusFile)
	if err != nil {
		return 0, false
	}
	status, err = strconv.Atoi(strings.TrimSpace(string(data)))
	return status, err == nil // empty while the shell is writing it
}

// showsAll is a wait condition: every one of the words is on the screen.
func showsAll(words ...string) func(string) bool {
	return func(screen string) bool {
		for _, w := range words {
			if !strings.Contains(screen, w) {
				return false
			}
		}
		return true
	}
}
