// Package keys is the Keys screen: the list with its status filter and
// search, the import, and one key's page.
package keys

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/history"
	"github.com/keydesk/keydesk/ui/component/importfile"
	"github.com/keydesk/keydesk/ui/component/keyaction"
	"github.com/keydesk/keydesk/ui/component/searchbar"
)

// Model is the Keys screen.
type Model struct {
	common.Common
	idx     *data.Index
	keys    *keyMap
	actions *keyaction.KeyMap
	list    list
	page    history.RecordPage // one key's, over the list

	pendingOpen string // a serial to open once the data has it
	importPath  string // the file typed at the last import
}

// New builds the screen; data comes with SetIndex.
func New(c common.Common, actions *keyaction.KeyMap) *Model {
	m := &Model{Common: c, keys: defaultKeyMap(), actions: actions}
	m.list = newList(&m.Common)
	m.page = history.NewRecordPage(func(id uint64) *history.Page { return history.KeyPage(c.Store, id) })
	return m
}

// Title is the tab's name.
func (m *Model) Title() string { return "Keys" }

// SetSize sets the space the screen draws in.
func (m *Model) SetSize(width, height int) {
	m.Common.SetSize(width, height)
	m.list.SetSize(width, height-keyaction.LineHeight)
}

// Capturing reports whether the search line takes every key.
func (m *Model) Capturing() bool { return !m.page.IsOpen() && m.list.Search.Typing() }

// Shown is called when the tab becomes the current one.
func (m *Model) Shown() tea.Cmd { return nil }

// SetIndex shows new data; an open page reloads its history.
func (m *Model) SetIndex(idx *data.Index) tea.Cmd {
	m.idx = idx
	m.list.setIndex(idx)
	if m.pendingOpen != "" {
		serial := m.pendingOpen
		m.pendingOpen = ""
		return m.OpenSerial(serial)
	}
	cmd, _ := m.page.Reload(func(id uint64) bool { _, ok := idx.Key(id); return ok })
	return cmd
}

// OpenSerial shows one key's page, from anywhere.
func (m *Model) OpenSerial(serial string) tea.Cmd {
	if m.idx == nil {
		m.pendingOpen = serial
		return nil
	}
	k, ok := m.idx.KeyBySerial(serial)
	if !ok {
		return nil
	}
	if !m.list.SelectID(k.ID()) {
		m.list.showAll()
		m.list.SelectID(k.ID())
	}
	return m.page.Open(k.ID())
}

func (m *Model) current() (*data.KeyRow, bool) {
	if m.idx == nil {
		return nil, false
	}
	if id, ok := m.page.ID(); ok {
		return m.idx.Key(id)
	}
	return m.list.Selected()
}

// Update handles a message meant for this screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case history.LoadedMsg:
		m.page.Loaded(msg)
		return nil
	case filterChosenMsg:
		m.list.applyFilter(msg.choice)
		return nil
	}
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		if !m.page.IsOpen() {
			_, cmd := m.list.Search.Update(msg)
			return cmd
		}
		return nil
	}
	if m.page.IsOpen() {
		switch {
		case m.page.HandleKey(k, m.ListKeys):
			return nil
		case key.Matches(k, m.keys.OpenEmployee):
			if cur, ok := m.current(); ok && cur.EmployeeID() != 0 {
				return common.Cmd(common.OpenEmployeeMsg{ID: cur.EmployeeID()})
			}
			return nil
		}
		return m.keyActions(k)
	}
	if handled, cmd := m.list.UpdateFiltered(k, m.ListKeys, &m.list); handled {
		return cmd
	}
	switch {
	case key.Matches(k, m.keys.Filter):
		return m.pickFilter()
	case key.Matches(k, m.keys.Waiting):
		if m.idx != nil {
			m.list.applyFilter(filterChoice{kind: "lost"})
		}
		return nil
	case key.Matches(k, m.ListKeys.Open):
		if cur, ok := m.list.Selected(); ok {
			return m.page.Open(cur.ID())
		}
		return nil
	case m.Access.Pressed(k, m.keys.Import):
		return importfile.Prompt(&m.Common, keysFile, &m.importPath)
	}
	return m.keyActions(k)
}

func (m *Model) keyActions(k tea.KeyMsg) tea.Cmd {
	cur, ok := m.current()
	if !ok {
		return nil
	}
	cmd, _ := m.actions.Handle(&m.Common, m.idx, keyaction.Target{Key: cur}, k)
	return cmd
}

// View draws the screen.
func (m *Model) View() string {
	if entry, ok := m.page.EntryView(m.Styles, m.Width, m.Height); ok {
		return entry
	}
	if m.page.IsOpen() && m.idx != nil {
		return m.pageView()
	}
	return m.list.view() + "\n" + m.actionLine()
}

// ShortHelp is the footer's keys for what is on screen.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.page.Busy():
		return m.page.FocusHelp()
	case m.page.IsOpen():
		out := []key.Binding{m.ListKeys.Back}
		cur, ok := m.current()
		if !ok {
			return out
		}
		if cur.EmployeeID() != 0 {
			out = append(out, m.keys.OpenEmployee)
		}
		return append(out, m.actions.Bindings(keyaction.Target{Key: cur})...)
	case m.list.Search.Typing():
		return searchbar.Help()
	}
	// The list's key actions are on the line above the footer.
	return m.listKeys()
}

// listKeys are the keys of the list itself. Over SSH there is no import:
// the path would name a file on the server; nor for a role that may not
// import.
func (m *Model) listKeys() []key.Binding {
	out := []key.Binding{m.ListKeys.Open, m.ListKeys.Search, m.keys.Filter, m.ListKeys.Sort}
	if !m.Remote {
		out = append(out, m.Access.Offered(m.keys.Import)...)
	}
	return out
}

// FullHelp is every key of the screen, for `?`.
func (m *Model) FullHelp() [][]key.Binding {
	return append([][]key.Binding{
		m.ListKeys.Navigation(),
		append(m.listKeys(), m.keys.Waiting, m.ListKeys.Back),
	}, m.actions.Columns()...)
}

// PageOpen reports whether one key's page is shown (esc closes it).
func (m *Model) PageOpen() bool { return m.page.Shown() }

// PageSerial is the key whose page is shown, if one is.
func (m *Model) PageSerial() (string, bool) {
	id, open := m.page.ID()
	if !open || m.idx == nil {
		return "", false
	}
	k, ok := m.idx.Key(id)
	if !ok {
		return "", false
	}
	return k.Serial(), true
}
