// Package employees is the Employees screen: the list, one employee's
// page, and the edit form.
package employees

import (
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/history"
	"github.com/keydesk/keydesk/ui/component/importfile"
	"github.com/keydesk/keydesk/ui/component/keyaction"
	"github.com/keydesk/keydesk/ui/component/searchbar"
)

// Model is the Employees screen.
type Model struct {
	common.Common
	idx     *data.Index
	keys    *keyMap
	actions *keyaction.KeyMap
	list    list
	page    history.RecordPage // one employee's, over the list
	edit    *editForm          // nil: no form open

	pendingSelect uint64 // an employee to select once the data has it
	importPath    string // the file typed at the last import
}

// New builds the screen; data comes with SetIndex.
func New(c common.Common, actions *keyaction.KeyMap) *Model {
	m := &Model{Common: c, keys: defaultKeyMap(), actions: actions}
	m.list = newList(&m.Common)
	m.page = history.NewRecordPage(func(id uint64) *history.Page { return history.EmployeePage(c.Store, id) })
	return m
}

// Title is the tab's name.
func (m *Model) Title() string { return "Employees" }

// SetSize sets the space the screen draws in.
func (m *Model) SetSize(width, height int) {
	m.Common.SetSize(width, height)
	m.list.SetSize(width, height-actionLines)
	if m.edit != nil {
		m.edit.SetSize(width, height)
	}
}

// Capturing reports whether a search line or a form takes every key.
func (m *Model) Capturing() bool {
	return m.edit != nil || (!m.page.IsOpen() && m.list.Search.Typing())
}

// Shown is called when the tab becomes the current one.
func (m *Model) Shown() tea.Cmd { return nil }

// SetIndex shows new data. An open page reloads its history; a page whose
// employee was deleted goes back to the list.
func (m *Model) SetIndex(idx *data.Index) tea.Cmd {
	m.idx = idx
	m.list.setIndex(idx)
	if _, ok := idx.Employee(m.pendingSelect); ok && m.pendingSelect != 0 {
		m.selectEmployee(m.pendingSelect)
	}
	cmd, gone := m.page.Reload(func(id uint64) bool { _, ok := idx.Employee(id); return ok })
	if gone {
		return common.Cmd(common.InfoMsg{Text: "the employee you were looking at was deleted"})
	}
	return cmd
}

// Open shows one employee's page.
func (m *Model) Open(id uint64) tea.Cmd {
	m.edit = nil
	m.selectEmployee(id)
	if m.idx == nil {
		return nil
	}
	if _, ok := m.idx.Employee(id); !ok {
		return nil
	}
	return m.page.Open(id)
}

// Select puts the cursor on an employee (a new one may not be loaded
// yet: it is selected when it arrives).
func (m *Model) Select(id uint64) {
	m.page.Close()
	m.selectEmployee(id)
}

// selectEmployee puts the cursor on an employee, dropping the search if
// it hides them; one not loaded yet is selected when a load brings them.
func (m *Model) selectEmployee(id uint64) {
	if m.idx == nil {
		m.pendingSelect = id
		return
	}
	if _, ok := m.idx.Employee(id); !ok {
		m.pendingSelect = id
		return
	}
	if !m.list.SelectID(id) && m.list.Search.Clear() {
		m.list.Refilter()
		m.list.SelectID(id)
	}
	m.pendingSelect = 0
}

// current is the employee the keys act on: the open page's, or the one
// under the cursor.
func (m *Model) current() (*data.EmployeeRow, bool) {
	if m.idx == nil {
		return nil, false
	}
	if id, ok := m.page.ID(); ok {
		return m.idx.Employee(id)
	}
	return m.list.Selected()
}

func (m *Model) target() keyaction.Target {
	e, _ := m.current()
	return keyaction.EmployeeTarget(m.idx, e)
}

// Update handles a message meant for this screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case history.LoadedMsg:
		m.page.Loaded(msg)
		return nil
	case editDoneMsg:
		return m.edited(msg)
	case filterChosenMsg:
		m.list.applyFilter(msg.choice)
		return nil
	case discardMsg:
		if m.edit != nil && m.edit.id == msg.id {
			m.edit = nil
		}
		return nil
	case importedMsg:
		return msg.show(&m.Common)
	}
	if m.edit != nil {
		if k, ok := msg.(tea.KeyMsg); ok && k.Type == tea.KeyEsc && m.edit.changed() {
			return m.askDiscard()
		}
		return common.UpdateForm(&m.edit, msg)
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
		return m.updatePage(k)
	}
	if handled, cmd := m.list.update(k); handled {
		return cmd
	}
	switch {
	case key.Matches(k, m.ListKeys.Open):
		if e, ok := m.list.Selected(); ok {
			return m.Open(e.ID())
		}
		return nil
	case key.Matches(k, m.keys.Filter):
		return m.pickFilter()
	case m.Access.Pressed(k, m.keys.Import):
		return importfile.Prompt(&m.Common, employeesFile, &m.importPath)
	}
	return m.employeeKeys(k)
}

func (m *Model) updatePage(k tea.KeyMsg) tea.Cmd {
	switch {
	case m.page.HandleKey(k, m.ListKeys):
		return nil
	case key.Matches(k, m.keys.OpenKey):
		if t := m.target(); t.Key != nil {
			return common.Cmd(common.OpenKeyMsg{Serial: t.Key.Ref().Serial})
		}
		return nil
	}
	return m.employeeKeys(k)
}

// employeeKeys are the keys that act on the current employee, from the
// list and from their page.
func (m *Model) employeeKeys(k tea.KeyMsg) tea.Cmd {
	switch {
	case m.Access.Pressed(k, m.keys.New):
		return common.Cmd(common.StartWizardMsg{})
	case m.Access.Pressed(k, m.keys.Edit):
		return m.startEdit()
	case m.Access.Pressed(k, m.keys.Delete):
		return m.confirmDelete()
	}
	if m.idx == nil {
		return nil
	}
	if m.idx.Partial() {
		return m.waitForAll(k)
	}
	cmd, _ := m.actions.Handle(&m.Common, m.idx, m.target(), k)
	return cmd
}

// waitForAll answers a key action pressed while only the first page is
// loaded: the pickers list the keys and employees of the whole index,
// and a page of employees is not that.
func (m *Model) waitForAll(k tea.KeyMsg) tea.Cmd {
	if !key.Matches(k, m.actions.Bindings(m.target())...) {
		return nil
	}
	return common.Cmd(common.StillLoadingMsg{Text: "still loading all employees and keys: press it again in a moment"})
}

func (m *Model) startEdit() tea.Cmd {
	e, ok := m.current()
	if !ok {
		return nil
	}
	var cmd tea.Cmd
	m.edit, cmd = newEditForm(&m.Common, e.ID(), e.Ref(), e.Name(), e.Input(), nil)
	return cmd
}

func (m *Model) edited(msg editDoneMsg) tea.Cmd {
	if m.edit == nil || m.edit.id != msg.employeeID {
		return nil
	}
	var fe *model.FieldError
	if errors.As(msg.err, &fe) {
		// Back to the form with the store's words at the field.
		var cmd tea.Cmd
		m.edit, cmd = newEditForm(&m.Common, m.edit.id, m.edit.ref, m.edit.name, *m.edit.values, fe)
		return cmd
	}
	m.edit = nil
	if msg.err != nil {
		return common.Cmd(common.ErrMsg{Err: msg.err})
	}
	return common.Cmd(common.InfoMsg{Text: "saved " + model.Printable(msg.employee.FullName())})
}

func (m *Model) confirmDelete() tea.Cmd {
	e, ok := m.current()
	if !ok {
		return nil
	}
	st, actor, ref, name := m.Store, m.Actor, e.Ref(), e.Name()
	if e.KeyID() != 0 {
		// It cannot succeed: say why at once rather than offer it.
		return common.Cmd(common.ErrMsg{Err: &model.Refusal{Msg: fmt.Sprintf(
			"%s holds key %s: remove the key first (R), then delete them", model.Printable(e.Name()), model.Printable(e.KeySerial()))}})
	}
	body := []string{fmt.Sprintf("%s <%s> is removed from the list; the audit trail keeps their history.", e.Name(), e.Email())}
	f := dialog.NewForm(m.Styles, "Delete "+name+"?", "delete", func(dialog.Values) tea.Cmd {
		return func() tea.Msg {
			if err := st.DeleteEmployee(actor, ref); err != nil {
				return common.ErrMsg{Err: err}
			}
			return common.InfoMsg{Text: "deleted " + name}
		}
	}).WithDanger().WithBody(body...)
	return tea.Batch(common.Cmd(common.OpenDialogMsg{Dialog: f}), f.Init())
}

// View draws the screen.
func (m *Model) View() string {
	switch {
	case m.edit != nil:
		return m.edit.View()
	}
	if entry, ok := m.page.EntryView(m.Styles, m.Width, m.Height); ok {
		return entry
	}
	if m.page.IsOpen() && m.idx != nil {
		return m.pageView(m.target())
	}
	return m.list.view() + "\n" + m.actionLine()
}

// ShortHelp is the footer's keys for what is on screen.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.edit != nil:
		return m.edit.help()
	case m.page.Busy():
		return m.page.FocusHelp()
	case m.page.IsOpen():
		out := []key.Binding{m.ListKeys.Back}
		if t := m.target(); t.Key != nil {
			out = append(out, m.keys.OpenKey)
		}
		return append(append(out, m.pageKeys()...), m.actions.Bindings(m.target())...)
	case m.list.Search.Typing():
		return searchbar.Help()
	}
	nav := []key.Binding{m.ListKeys.Open, m.ListKeys.Search, m.ListKeys.Sort}
	if m.Width >= footerWithFilter {
		nav = []key.Binding{m.ListKeys.Open, m.ListKeys.Search, m.keys.Filter, m.ListKeys.Sort}
	}
	return append(nav, m.listKeys()...)
}

// footerWithFilter is the width from which the footer has room for f
// beside the list's other keys, `?` and `q` (narrower, `?` lists it).
const footerWithFilter = 90

// listKeys are the keys that change employees, as the role allows them.
// Over SSH there is no import: the path would name a file on the server.
func (m *Model) listKeys() []key.Binding {
	out := m.Access.Offered(m.keys.New, m.keys.Edit, m.keys.Delete)
	if !m.Remote {
		out = append(out, m.Access.Offered(m.keys.Import)...)
	}
	return out
}

// pageKeys are the keys that change the employee on their page.
func (m *Model) pageKeys() []key.Binding { return m.Access.Offered(m.keys.Edit, m.keys.Delete) }

// FullHelp is every key of the screen, for `?`.
func (m *Model) FullHelp() [][]key.Binding {
	groups := [][]key.Binding{m.ListKeys.Navigation(), {m.ListKeys.Open, m.ListKeys.Search, m.keys.Filter, m.ListKeys.Sort, m.ListKeys.Back}}
	if g := m.listKeys(); len(g) > 0 {
		groups = append(groups, g)
	}
	return append(groups, m.actions.Columns()...)
}

// Editing reports whether the edit form is open.
func (m *Model) Editing() bool { return m.edit != nil }

// Unsaved reports whether the edit form is open with something changed.
func (m *Model) Unsaved() bool { return m.edit != nil && m.edit.changed() }

// Current is the employee the screen's keys act on: the open page's, or
// the one under the cursor.
func (m *Model) Current() (*data.EmployeeRow, bool) { return m.current() }

// PageOpen reports whether one employee's page is shown (esc closes it).
func (m *Model) PageOpen() bool {
	return m.page.Shown() && m.edit == nil
}

// PageID is the employee whose page is shown, if one is.
func (m *Model) PageID() (uint64, bool) { return m.page.ID() }

// discardMsg drops the edit form's changes, once confirmed.
type discardMsg struct{ id uint64 }

// askDiscard asks before dropping what was typed in the edit form, as
// the wizard does.
func (m *Model) askDiscard() tea.Cmd {
	id := m.edit.id
	f := dialog.NewForm(m.Styles, "Drop your changes to "+model.Printable(m.edit.name)+"?", "drop them", func(dialog.Values) tea.Cmd {
		return common.Cmd(discardMsg{id: id})
	}).WithBody("What you typed is not saved. n or esc goes back to the form.")
	return tea.Batch(common.Cmd(common.OpenDialogMsg{Dialog: f}), f.Init())
}

// ListScreenRow and ListCursor are where the list's cursor is, on screen
// and among the rows (for tests).
func (m *Model) ListScreenRow() int { return m.list.Table.ScreenRow() }

// ListCursor is the row under the list's cursor.
func (m *Model) ListCursor() int { return m.list.Table.Cursor() }
