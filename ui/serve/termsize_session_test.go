package serve_test

import (
	"context"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// sizeModel records the sizes its screen is given.
type sizeModel struct{ sizes *sizeLog }

type sizeLog struct {
	mu  sync.Mutex
	got []tea.WindowSizeMsg
}

func (m sizeModel) Init() tea.Cmd { return nil }
func (m sizeModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if w, ok := msg.(tea.WindowSizeMsg); ok {
		m.sizes.mu.Lock()
		m.sizes.got = append(m.sizes.got, w)
		m.sizes.mu.Unlock()
	}
	return m, nil
}
func (m sizeModel) View() string { return "sizes" }

func (l *sizeLog) all() []tea.WindowSizeMsg {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]tea.WindowSizeMsg(nil), l.got...)
}

// The screen sees the terminal's size bounded, at the start and at every
// change, and a client sending sizes in a loop has at most a few a
// second drawn, the newest last.
func TestTheScreenGetsBoundedSizesAtABoundedRate(t *testing.T) {
	h := newHarness(t)
	sizes := &sizeLog{}
	h.cfg.NewTUI = func(context.Context, *store.Store, model.Actor, *lipgloss.Renderer) tea.Model {
		return sizeModel{sizes: sizes}
	}
	h.start()
	term := openTerminal(t, h.login(h.alice), nil)
	term.waitFor("sizes")
	if err := term.sess.WindowChange(4294967295, 4294967295); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the huge size to arrive", func() bool { return len(sizes.all()) >= 2 })
	for _, w := range sizes.all() {
		if w.Width > 1000 || w.Height > 1000 {
			t.Fatalf("the screen was given %dx%d", w.Width, w.Height)
		}
	}

	before := len(sizes.all())
	start := time.Now()
	const sent = 2000
	for i := range sent {
		if err := term.sess.WindowChange(24+i%2, 80); err != nil {
			t.Fatal(err)
		}
	}
	if err := term.sess.WindowChange(50, 132); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the newest size to arrive", func() bool {
		got := sizes.all()
		return got[len(got)-1] == tea.WindowSizeMsg{Width: 132, Height: 50}
	})
	elapsed := time.Since(start)
	drawn := len(sizes.all()) - before
	t.Logf("%d window changes in %v: %d given to the screen", sent+1, elapsed.Round(time.Millisecond), drawn)
	// At most 10 a second, and one at once; a slower machine gives fewer.
	if most := int(elapsed.Seconds()*10) + 2; drawn > most {
		t.Errorf("%d sizes given to the screen in %v, want at most %d", drawn, elapsed, most)
	}
}
