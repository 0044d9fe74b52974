package dialog

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
)

// Picker chooses one row among many by typing a part of it: every key
// that is not a move goes to the search line.
type Picker struct {
	Title string
	Body  string // one line under the title; already safe to print

	st     *styles.Styles
	input  textinput.Model
	table  table.Model
	rows   []int32
	search func(query string) []int32
	cells  func(i int32) []table.Cell
	onPick func(i int32) tea.Cmd
	noun   string
	keys   pickerKeys
	width  int
	height int
}

type pickerKeys struct {
	nav          *common.ListKeys
	Pick, Cancel key.Binding
}

// PickerSource is what a picker chooses from.
type PickerSource struct {
	Columns []table.Column
	Noun    string                     // "employees without a key"
	Search  func(query string) []int32 // query is normalized; "" = all
	Cells   func(i int32) []table.Cell
}

// NewPicker builds a picker; onPick runs with the chosen row.
func NewPicker(st *styles.Styles, title string, src PickerSource, onPick func(i int32) tea.Cmd) *Picker {
	p := &Picker{Title: title, st: st, search: src.Search, cells: src.Cells, onPick: onPick, noun: src.Noun}
	p.input = NewTextInput(st)
	p.input.Placeholder = "type part of it"
	p.input.CharLimit = 100
	p.table.Columns = src.Columns
	p.table.Empty = "nothing matches"
	p.keys = pickerKeys{
		nav:    typingNav(),
		Pick:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
	p.refresh()
	return p
}

// Init focuses the search line.
func (p *Picker) Init() tea.Cmd { return p.input.Focus() }

// SetSize fits the picker in the space given.
func (p *Picker) SetSize(width, height int) {
	p.width, p.height = min(width, 100), height
	frame := p.st.Dialog.GetHorizontalFrameSize()
	// Title, body, search line, blank, table, blank, help; and the frame.
	p.table.SetSize(p.width-frame, max(p.height-p.st.Dialog.GetVerticalFrameSize()-6, 3))
	p.input.Width = max(p.width-frame-4, 10)
}

// Help lists the keys that work in the picker.
func (p *Picker) Help() []key.Binding {
	return []key.Binding{p.keys.Pick, key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "move")), p.keys.Cancel}
}

// Chosen is the row under the cursor, if any.
func (p *Picker) Chosen() (int32, bool) {
	if len(p.rows) == 0 {
		return 0, false
	}
	return p.rows[p.table.Cursor()], true
}

// Update handles keys; done is true when the picker closes.
func (p *Picker) Update(msg tea.Msg) (bool, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return false, cmd
	}
	switch {
	case key.Matches(k, p.keys.Cancel):
		return true, nil
	case key.Matches(k, p.keys.Pick):
		i, ok := p.Chosen()
		if !ok {
			return false, nil
		}
		return true, p.onPick(i)
	case p.table.Move(k, p.keys.nav):
		return false, nil
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.refresh()
		p.table.SetCursor(0)
	}
	return false, cmd
}

func (p *Picker) refresh() {
	p.rows = p.search(data.NormalizeQuery(p.input.Value()))
	p.table.SetCount(len(p.rows))
}

// View draws the box.
func (p *Picker) View() string {
	lines := []string{p.st.Title.Render(p.Title)}
	if p.Body != "" {
		lines = append(lines, p.st.Text.Render(p.Body))
	}
	noun := p.noun
	if len(p.rows) == 1 {
		noun = strings.TrimSuffix(noun, "s") // "1 choice"
	}
	count := p.st.Subtle.Render("  " + humanize.Comma(int64(len(p.rows))) + " " + noun)
	lines = append(lines, p.st.Subtle.Render("Find ")+p.input.View(), count)
	lines = append(lines, p.table.View(p.st, func(i int) []table.Cell { return p.cells(p.rows[i]) }))
	lines = append(lines, helpLine(p.st, p.Help()))
	frame := p.st.Dialog.GetHorizontalFrameSize()
	return p.st.Dialog.Width(p.width - frame + p.st.Dialog.GetHorizontalPadding()).Render(joinLines(lines))
}

func joinLines(lines []string) string {
	out := ""
	for i, l := range lines {
		if i > 0 {
			out += "\n"
		}
		out += l
	}
	return out
}

// typingNav are the list keys of a dialog with a search line: only keys
// that cannot be typed move the cursor.
func typingNav() *common.ListKeys {
	return &common.ListKeys{
		Up:       key.NewBinding(key.WithKeys("up", "ctrl+p")),
		Down:     key.NewBinding(key.WithKeys("down", "ctrl+n")),
		PageUp:   key.NewBinding(key.WithKeys("pgup")),
		PageDown: key.NewBinding(key.WithKeys("pgdown")),
		Top:      key.NewBinding(key.WithKeys("home")),
		Bottom:   key.NewBinding(key.WithKeys("end")),
	}
}
