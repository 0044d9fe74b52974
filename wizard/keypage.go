package wizard

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

type keysLoadedMsg struct {
	id   int
	rows []keyRow
	err  error
}

// openKeyPage shows the Key page and (re)loads the Ready keys: the stock
// may have changed since the list was last read.
func (m *Model) openKeyPage() tea.Cmd {
	m.page = pageKey
	m.picker.setSize(m.width, m.bodyHeight()-1)
	id := m.nextRequest("")
	s := m.cfg.Store
	load := func() tea.Msg {
		rows, err := readyKeys(s)
		return keysLoadedMsg{id: id, rows: rows, err: err}
	}
	return tea.Batch(m.picker.search.Focus(), load)
}

func (m *Model) keysLoaded(msg keysLoadedMsg) {
	if !m.answered(msg.id) || m.page != pageKey {
		return
	}
	if msg.err != nil {
		m.picker.err = msg.err.Error()
		return
	}
	chosen := ""
	if m.choice != nil {
		chosen = m.choice.stored
	}
	m.picker.setRows(msg.rows, chosen)
}

func (m *Model) keyPageKey(msg tea.KeyMsg) tea.Cmd {
	p := &m.picker
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.leave()
	case key.Matches(msg, m.keys.Back):
		return m.openProfile("")
	case key.Matches(msg, m.keys.Choose):
		if !p.loaded {
			return nil
		}
		m.choice = p.selected()
		p.notice = ""
		m.page = pageReview
		m.failure = ""
	case key.Matches(msg, m.keys.Up):
		p.move(-1)
	case key.Matches(msg, m.keys.Down):
		p.move(1)
	case key.Matches(msg, m.keys.PageUp):
		p.move(-p.visible)
	case key.Matches(msg, m.keys.PageDown):
		p.move(p.visible)
	case key.Matches(msg, m.keys.First):
		p.move(-p.lines())
	case key.Matches(msg, m.keys.Last):
		p.move(p.lines())
	default:
		return p.updateSearch(msg)
	}
	return nil
}

func (m *Model) keyPageHelp() []key.Binding {
	return []key.Binding{m.keys.Up, m.keys.PageUp, m.keys.First, m.keys.Choose, m.keys.Back}
}

func (m *Model) keyPageView() string {
	name := model.Printable(fullName(m.checked))
	return m.st.Text.Render("Choose the key to give to "+name+`, or "No key now".`) + "\n" + m.picker.view()
}

func fullName(in model.EmployeeInput) string {
	return model.Employee{FirstName: in.FirstName, LastName: in.LastName}.FullName()
}

// keyUnavailable brings the admin back to pick another key: nothing was
// stored, and the list is read again so the taken key is gone from it.
func (m *Model) keyUnavailable(err *store.ErrKeyUnavailable) tea.Cmd {
	m.choice = nil
	m.picker.notice = err.Msg
	return m.openKeyPage()
}
