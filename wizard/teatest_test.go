package wizard

import (
	"bytes"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// host stands in for the root TUI: it sizes the wizard, forwards every
// message and quits when the wizard is done.
type host struct {
	wizard *Model
	done   *finished
}

func (h *host) Init() tea.Cmd { return h.wizard.Init() }

func (h *host) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if size, ok := msg.(tea.WindowSizeMsg); ok {
		h.wizard.SetSize(size.Width, size.Height)
	}
	_, cmd := h.wizard.Update(msg)
	if created, over := h.wizard.Finished(); over {
		h.done = &finished{Created: created}
		return h, tea.Quit
	}
	return h, cmd
}

func (h *host) View() string { return h.wizard.View() }

// TestWholeWizardInAProgram runs the wizard in a real Bubble Tea program,
// as an admin would type it, and ends with the code on screen.
func TestWholeWizardInAProgram(t *testing.T) {
	s := tOpenStore(t)
	app := &host{wizard: New(Config{Store: s, Actor: tActor, Styles: tStyles(), Now: tClock})}
	tm := teatest.NewTestModel(t, app, teatest.WithInitialTermSize(80, 24))

	// waitFor returns the output that showed text (each call reads on
	// from where the last one stopped).
	waitFor := func(text string) []byte {
		t.Helper()
		var seen []byte
		teatest.WaitFor(t, tm.Output(), func(out []byte) bool {
			seen = out
			return bytes.Contains(out, []byte(text))
		}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		return seen
	}
	enter := tea.KeyMsg{Type: tea.KeyEnter}

	waitFor("Who is the new employee?")
	// The whole profile is typed ahead, without waiting for the focus to
	// move: every key must still land in its own field.
	for _, f := range profileFields {
		tm.Type(*f.value(&tJane))
		tm.Send(enter)
	}
	waitFor("5 Ready keys")
	tm.Type("0005")
	waitFor("1 matches")
	tm.Send(enter)
	waitFor("Press enter to create")
	tm.Send(enter)
	screen := waitFor("Activation code")

	code, err := s.ShowCode(tActor, store.Serial("IPI-0005"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(screen, []byte(model.GroupCode(code.Digits))) {
		t.Fatalf("the stored code %s is not on screen:\n%s", model.GroupCode(code.Digits), screen)
	}

	tm.Send(enter)
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if app.done == nil || app.done.Created == nil {
		t.Fatalf("want it finished with the new employee, got %+v", app.done)
	}
	if got := app.done.Created.Employee; got.FirstName != tJane.FirstName || got.LastName != tJane.LastName ||
		got.Email != tJane.Email || got.Position != tJane.Position || got.Company != tJane.Company {
		t.Fatalf("created %+v from the typed profile %+v", got, tJane)
	}
}
