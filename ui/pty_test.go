package ui

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/creack/pty"
	"github.com/keydesk/keydesk/store"
)

// Keys written to a real pseudo-terminal in one write arrive in one read,
// as they do over a slow SSH link or when typed fast: Bubble Tea parses
// them itself, so these tests see what an admin's keys become, not what a
// test's messages are.

// ptyProgram is the TUI running as a Bubble Tea program on a pty.
type ptyProgram struct {
	t        *testing.T
	terminal *os.File // the side an admin's terminal emulator holds
	done     chan struct{}

	mu     sync.Mutex
	output bytes.Buffer // everything drawn since the last wait
}

func startOnPty(t *testing.T, st *store.Store) *ptyProgram {
	t.Helper()
	terminal, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	if err := pty.Setsize(terminal, &pty.Winsize{Rows: 24, Cols: 100}); err != nil {
		t.Fatal(err)
	}
	m := New(Config{Store: st, Actor: tActor, Renderer: asciiRenderer(), Now: func() time.Time { return tNow }})
	prog := tea.NewProgram(m, tea.WithInput(tty), tea.WithOutput(tty), tea.WithoutSignalHandler())
	p := &ptyProgram{t: t, terminal: terminal, done: make(chan struct{})}
	go func() {
		prog.Run()
		close(p.done)
	}()
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := terminal.Read(buf)
			p.mu.Lock()
			p.output.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		// Quit, not Kill: a killed program closes its input while its
		// reader may still use it (a data race in Bubble Tea v1).
		prog.Quit()
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			prog.Kill()
			<-p.done
		}
		tty.Close()
		terminal.Close()
	})
	return p
}

// write sends bytes to the program in one write, so in one read.
func (p *ptyProgram) write(keys string) {
	p.t.Helper()
	if _, err := io.WriteString(p.terminal, keys); err != nil {
		p.t.Fatal(err)
	}
}

// see waits until every text has been drawn since the last wait. Bubble
// Tea draws only the lines that changed.
func (p *ptyProgram) see(texts ...string) {
	p.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.mu.Lock()
		out := p.output.String()
		found := true
		for _, s := range texts {
			found = found && strings.Contains(out, s)
		}
		if found {
			p.output.Reset()
		}
		p.mu.Unlock()
		if found {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%q not drawn within 5s; drawn since the last wait:\n%s", texts, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (p *ptyProgram) waitQuit() {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.mu.Lock()
		defer p.mu.Unlock()
		p.t.Fatalf("the program did not quit; drawn since the last wait:\n%s", p.output.String())
	}
}

// esc then q in one read, on the help overlay: the help closes and the
// program quits, as when the two keys come one by one.
func TestEscAndQInOneReadCloseHelpAndQuit(t *testing.T) {
	p := startOnPty(t, tFixtureStore(t))
	p.see("[1 Employees]", "Ada")
	p.write("?")
	p.see("Everywhere")
	p.write("\x1bq")
	p.waitQuit()
}

// On a list: a search typed in one read, then esc and a screen's number
// in one read.
func TestSearchAndEscInOneReadOnAList(t *testing.T) {
	p := startOnPty(t, tFixtureStore(t))
	p.see("[1 Employees]", "Ada")
	p.write("2")
	p.see("[2 Keys]", "no filter")
	p.write("/kd-0003")
	p.see("/ kd-0003", "1 of 10")
	p.write("\x1b3")
	p.see("[3 Audit]")
}

// In a dialog and in the wizard's huh form, esc and the next key in one
// read are esc, then that key.
func TestEscAndAKeyInOneReadInTheWizardAndADialog(t *testing.T) {
	p := startOnPty(t, tFixtureStore(t))
	p.see("[1 Employees]", "Ada")
	p.write("n")
	p.see("Who is the new employee?")
	p.write("Zoe")
	p.see("Zoe")
	p.write("\x1by")                           // esc asks before dropping what was typed; y drops it
	p.see("Employees  7 of 7", "Ada Lovelace") // the header is unchanged, so not drawn again

	p.write("n")
	p.see("Who is the new employee?")
	p.write("\x1b2") // nothing typed: esc leaves at once, 2 opens Keys
	p.see("[2 Keys]", "no filter")

	p.write("/kd-0003\r")
	p.see("1 of 10")
	p.write("s") // suspend: a dialog with a note to type
	p.see("Suspend key KD-0003")
	p.write("\x1b1") // esc cancels it, 1 opens Employees
	p.see("[1 Employees]", "Ada")
}

// The call screen's key rule, as a terminal delivers keys: a screen's
// number, then a name, esc and another screen's number in one read.
func TestCallKeyRuleInOneRead(t *testing.T) {
	p := startOnPty(t, tFixtureStore(t))
	p.see("[1 Employees]", "Ada")
	p.write("0")
	p.see("[0 Call]", "a-z type a name")
	p.write("2")
	p.see("[2 Keys]")
	p.write("0lovelace")
	p.see("/ lovelace", "1 match")
	p.write("\x1b3") // one esc clears the search; 3 goes to Audit
	p.see("[3 Audit]")
	p.write("0?")
	p.see("Keys of the Call screen")
	p.write("\x1bq")
	p.waitQuit()
}

// The back stack, as a terminal delivers keys: the search, the employee,
// their key in one read; esc in the next brings the employee back.
func TestBackStackInOneRead(t *testing.T) {
	p := startOnPty(t, tFixtureStore(t))
	p.see("[1 Employees]", "Ada")
	p.write("/lovelace\r\r\r")
	p.see("[2 Keys]", "Key KD-0002")
	p.write("\x1b")
	p.see("[1 Employees]", "History (")
	p.write("\x1b1")
	p.see("1 of 7")
}
