// Package profiles is the Profiles screen: the access profiles (the PIN
// policies keys carry to their devices) with how many keys have each,
// and, for an admin, adding, editing and deleting them.
package profiles

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/dialog"
	"github.com/keydesk/keydesk/ui/component/table"
)

// Model is the Profiles screen.
type Model struct {
	common.Common
	keys     keyMap
	table    table.Model
	profiles []store.ProfileUse // as the index has them: Default first
	loaded   bool
	form     *editForm // nil: not editing
}

type keyMap struct {
	New, Edit, Delete key.Binding
}

// New builds the screen; its data comes with SetIndex.
func New(c common.Common) *Model {
	m := &Model{Common: c}
	m.keys = keyMap{
		New:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new")),
		Edit:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Delete: key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "delete")),
	}
	m.table.Columns = []table.Column{
		{Title: "Profile", Min: 14, Max: 40, Flex: 3},
		{Title: "PIN", Min: 11},
		{Title: "Expiry", Min: 9, Drop: 2},
		{Title: "Wrong PINs", Min: 10},
		{Title: "Button", Min: 6, Drop: 3},
		{Title: "Server", Min: 6, Drop: 4},
		{Title: "Keys", Min: 7, Max: 12, Flex: 1},
	}
	m.table.Empty = "loading…"
	return m
}

// Title is the tab's name.
func (m *Model) Title() string { return "Profiles" }

// belowTable are the lines under the table: a blank one, what the
// selected profile is for, and the actions.
const belowTable = 4

// SetSize sets the space the screen draws in.
func (m *Model) SetSize(width, height int) {
	m.Common.SetSize(width, height)
	m.table.SetSize(width, max(height-1-belowTable, 2))
	if m.form != nil {
		m.form.SetSize(width, height)
	}
}

// Capturing reports whether the form takes every key.
func (m *Model) Capturing() bool { return m.form != nil }

// Editing reports whether a form holds typed text.
func (m *Model) Editing() bool { return m.form != nil }

// Shown is called when the tab becomes the current one.
func (m *Model) Shown() tea.Cmd { return nil }

// SetIndex shows the profiles of a new index, the cursor on the same one.
func (m *Model) SetIndex(idx *data.Index) tea.Cmd {
	if idx.Partial() {
		return nil // a first page of employees holds no profiles
	}
	var keep uint64
	if p, ok := m.selected(); ok {
		keep = p.ID
	}
	m.profiles, m.loaded = idx.Profiles, true
	m.table.Empty = "no profiles"
	m.table.SetCount(len(m.profiles))
	for i, p := range m.profiles {
		if p.ID == keep {
			m.table.SetCursor(i)
		}
	}
	return nil
}

func (m *Model) selected() (store.ProfileUse, bool) {
	if len(m.profiles) == 0 {
		return store.ProfileUse{}, false
	}
	return m.profiles[m.table.Cursor()], true
}

// may reports whether the actor's role allows op: an action it does not
// is not offered (the store would refuse it anyway).
func (m *Model) may(op model.Operation) bool { return m.Access.May(op) }

// actions are the keys that work on the selected profile now.
func (m *Model) actions() []key.Binding {
	var out []key.Binding
	if m.may(model.OpProfileAdd) && m.loaded {
		out = append(out, m.keys.New)
	}
	p, ok := m.selected()
	if !ok {
		return out
	}
	if m.may(model.OpProfileEdit) {
		out = append(out, m.keys.Edit)
	}
	if m.may(model.OpProfileDelete) && model.CanDeleteProfile(p.Profile, p.Keys) == nil {
		out = append(out, m.keys.Delete)
	}
	return out
}

// Update handles a message meant for this screen.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case savedMsg:
		return m.saved(msg)
	case tea.KeyMsg:
		if m.form != nil {
			return common.UpdateForm(&m.form, msg)
		}
		return m.keyPress(msg)
	}
	if m.form != nil {
		return common.UpdateForm(&m.form, msg) // huh finishes a form in one of its own messages
	}
	return nil
}

func (m *Model) keyPress(k tea.KeyMsg) tea.Cmd {
	if m.table.Move(k, m.ListKeys) {
		return nil
	}
	offered := func(b key.Binding) bool {
		for _, a := range m.actions() {
			if a.Help().Key == b.Help().Key {
				return key.Matches(k, b)
			}
		}
		return false
	}
	p, _ := m.selected()
	switch {
	case offered(m.keys.New):
		return m.openForm(store.ProfileUse{Profile: model.Profile{ProfileRules: model.DefaultRules}}, true)
	case offered(m.keys.Edit):
		return m.openForm(p, false)
	case offered(m.keys.Delete):
		return m.confirmDelete(p)
	}
	return nil
}

func (m *Model) openForm(p store.ProfileUse, isNew bool) tea.Cmd {
	var cmd tea.Cmd
	m.form, cmd = newEditForm(&m.Common, p.Profile, isNew, valuesOf(p.Profile), "")
	return cmd
}

func (m *Model) saved(msg savedMsg) tea.Cmd {
	if m.form == nil || msg.form != m.form {
		return nil
	}
	if msg.err != nil {
		// Back to the form, with what was typed and the store's reason.
		var cmd tea.Cmd
		m.form, cmd = newEditForm(&m.Common, m.form.old, m.form.isNew, m.form.values, model.Printable(msg.err.Error()))
		return cmd
	}
	m.form = nil
	return common.Cmd(common.InfoMsg{Text: "profile " + model.Printable(msg.profile.Name) + " saved"})
}

func (m *Model) confirmDelete(p store.ProfileUse) tea.Cmd {
	st, actor, ref, name := m.Store, m.Actor, store.ProfileRef{Name: p.Name, Rev: p.Rev}, model.Printable(p.Name)
	f := dialog.NewForm(m.Styles, "Delete profile "+name+"?", "delete", func(dialog.Values) tea.Cmd {
		return func() tea.Msg {
			if err := st.DeleteProfile(actor, ref); err != nil {
				return common.ErrMsg{Err: err}
			}
			return common.InfoMsg{Text: "deleted profile " + name}
		}
	}).WithDanger().WithBody("No key has it; the audit trail keeps its history.")
	return tea.Batch(common.Cmd(common.OpenDialogMsg{Dialog: f}), f.Init())
}

// ShortHelp is the footer's keys for what is on screen.
func (m *Model) ShortHelp() []key.Binding {
	if m.form != nil {
		return m.form.help()
	}
	return m.actions()
}

// FullHelp is every key of the screen, for `?`.
func (m *Model) FullHelp() [][]key.Binding {
	var changes []key.Binding // only what the role may do
	for _, k := range []struct {
		b  key.Binding
		op model.Operation
	}{{m.keys.New, model.OpProfileAdd}, {m.keys.Edit, model.OpProfileEdit}, {m.keys.Delete, model.OpProfileDelete}} {
		if m.may(k.op) {
			changes = append(changes, k.b)
		}
	}
	return [][]key.Binding{{m.ListKeys.Up, m.ListKeys.Down, m.ListKeys.Top, m.ListKeys.Bottom}, changes}
}
