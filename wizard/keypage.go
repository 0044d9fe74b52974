package wizard

import (
	"sort"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/keypicker"
)

type keysLoadedMsg struct {
	id   int
	rows []keypicker.Key
	err  error
}

// openKeyPage shows the Key page and (re)loads the Ready keys: the stock
// may have changed since the list was last read.
func (m *Model) openKeyPage() tea.Cmd {
	m.page = pageKey
	m.picker.SetSize(m.width, m.bodyHeight()-1)
	id := m.nextRequest("")
	s := m.cfg.Store
	load := func() tea.Msg {
		rows, err := readyKeys(s)
		return keysLoadedMsg{id: id, rows: rows, err: err}
	}
	return tea.Batch(m.picker.Focus(), load)
}

func (m *Model) keysLoaded(msg keysLoadedMsg) {
	if !m.answered(msg.id) || m.page != pageKey {
		return
	}
	if msg.err != nil {
		m.picker.SetError(msg.err.Error())
		return
	}
	chosen := ""
	if m.choice != nil {
		chosen = m.choice.Ref.Serial
	}
	m.picker.SetRows(msg.rows, chosen)
}

func (m *Model) keyPageKey(msg tea.KeyMsg) tea.Cmd {
	p := &m.picker
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.leave()
	case key.Matches(msg, m.keys.Back):
		return m.openProfile("")
	case key.Matches(msg, m.keys.Choose):
		if !p.Loaded() {
			return nil
		}
		m.choice = p.Selected()
		p.SetNotice("")
		m.page = pageReview
		m.failure = ""
	case p.Navigate(msg, &common.ListKeys{Up: m.keys.Up, Down: m.keys.Down, PageUp: m.keys.PageUp,
		PageDown: m.keys.PageDown, Top: m.keys.First, Bottom: m.keys.Last}):
	default:
		return p.UpdateSearch(msg)
	}
	return nil
}

func (m *Model) keyPageHelp() []key.Binding {
	return []key.Binding{m.keys.Up, m.keys.PageUp, m.keys.First, m.keys.Choose, m.keys.Back}
}

func (m *Model) keyPageView() string {
	name := model.Printable(fullName(m.checked))
	return m.st.Text.Render("Choose the key to give to "+name+`, or "No key now".`) + "\n" + m.picker.View()
}

func fullName(in model.EmployeeInput) string {
	return model.Employee{FirstName: in.FirstName, LastName: in.LastName}.FullName()
}

// keyUnavailable brings the admin back to pick another key: nothing was
// stored, and the list is read again so the taken key is gone from it.
func (m *Model) keyUnavailable(err *store.KeyUnavailableError) tea.Cmd {
	m.choice = nil
	m.picker.SetNotice(err.Msg)
	return m.openKeyPage()
}

// readyKeys loads the keys that can be assigned, sorted by serial.
func readyKeys(s *store.Store) ([]keypicker.Key, error) {
	// Read one key at a time: only the Ready ones are held, not every
	// key and employee.
	var ready []model.Key
	err := s.EachKey(func(l store.KeyLine, _ time.Time) error {
		if l.Key.Status == model.Ready {
			ready = append(ready, l.Key)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(ready, func(i, j int) bool { return ready[i].Serial < ready[j].Serial })
	rows := make([]keypicker.Key, len(ready))
	for i, k := range ready {
		rows[i] = keypicker.NewKey(k)
	}
	return rows, nil
}
