// Package keypicker is the one list for choosing a key: a search box over
// the Ready keys and a window of rows around the cursor. The wizard's Key
// page and the "give a key" dialog of the Employees and Call screens both
// use it, and so match a search the same way (Matches).
package keypicker

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
	"github.com/keydesk/keydesk/ui/component/table"
)

// Key is one key as the picker shows and searches it. Its texts are
// printable (model.Printable); Ref is the key as the store knows it.
type Key struct {
	Ref                                store.KeyRef
	Serial, MAC, Model, Firmware, RFID string
	search                             string // see Matches
}

// NewKey is k as the picker shows it.
func NewKey(k model.Key) Key {
	return Key{
		Ref:      store.KeyRef{Serial: k.Serial, Rev: k.Rev},
		Serial:   model.Printable(k.Serial),
		MAC:      model.Printable(k.MAC),
		Model:    model.Printable(k.Model),
		Firmware: model.Printable(k.Firmware),
		RFID:     model.Printable(k.RFID),
	}
}

// Matches is the picker's one rule: a key matches a query (normalized:
// lower case, trimmed) that is part of its serial, MAC address (with or
// without its colons), model or RFID, in any case. The firmware is not
// searched. The query is one phrase: "ipi key 4" finds that model, not
// every key with a 4 somewhere.
func (k *Key) Matches(query string) bool {
	if k.search == "" {
		k.search = strings.ToLower(strings.Join([]string{k.Serial, k.MAC, strings.ReplaceAll(k.MAC, ":", ""), k.Model, k.RFID}, "\x00"))
	}
	return strings.Contains(k.search, query)
}

// normalize is the form a query is compared in.
func normalize(query string) string { return strings.ToLower(strings.TrimSpace(query)) }

// Model is the list. It is built for tens of thousands of keys: only the
// visible rows are drawn, and a search that extends the previous one looks
// only among the previous matches.
type Model struct {
	st     *styles.Styles
	search textinput.Model
	none   string // the first line, a choice of no key; "" for none

	rows    []Key
	all     []int // 0..len(rows)-1, the matches of an empty search
	matches []int // indices into rows
	query   string

	cursor int // with a none line, 0 is it and i > 0 is matches[i-1]; without, matches[i]
	offset int // the first list line on screen

	loaded bool
	err    string
	notice string // a problem with the last choice, shown above the list

	width, visible int
}

// New is an empty list, loading. none is the text of a first line that
// chooses no key ("" for no such line).
func New(st *styles.Styles, none string) Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "type part of a serial, MAC, model or RFID"
	in.PromptStyle = st.Title
	in.TextStyle = st.Text
	in.PlaceholderStyle = st.Subtle
	in.Cursor.Style = st.Text
	in.Cursor.TextStyle = st.Text
	in.CompletionStyle = st.Subtle
	in.CharLimit = 100
	return Model{st: st, search: in, none: none, width: 80}
}

// chrome is the number of lines above the list: search, count, notice and
// the column headings.
const chrome = 4

// SetSize fits the list, its search and headings in width x height.
func (p *Model) SetSize(width, height int) {
	p.width = width
	p.visible = max(height-chrome, 1)
	p.search.Width = max(width-p.st.Label.GetWidth()-1, 1)
	p.scroll()
}

// StillCursor stops the search box's cursor from blinking.
func (p *Model) StillCursor() { p.search.Cursor.SetMode(cursor.CursorStatic) }

// Focus puts the cursor in the search box.
func (p *Model) Focus() tea.Cmd { return p.search.Focus() }

// Loaded reports whether the keys have come.
func (p *Model) Loaded() bool { return p.loaded }

// SetError says the keys could not be loaded.
func (p *Model) SetError(err string) { p.err = err }

// SetNotice shows why the admin is back at the list ("" clears it).
func (p *Model) SetNotice(notice string) { p.notice = notice }

// SetRows replaces the list (a fresh load) and puts the cursor on the
// serial that was chosen before, if it is still there.
func (p *Model) SetRows(rows []Key, chosen string) {
	p.rows = rows
	p.all = make([]int, len(rows))
	for i := range p.all {
		p.all[i] = i
	}
	p.loaded = true
	p.err = ""
	p.filter(normalize(p.search.Value()), true)
	if chosen != "" {
		for i, idx := range p.matches {
			if rows[idx].Ref.Serial == chosen {
				p.cursor = i + p.first()
				break
			}
		}
	}
	p.scroll()
}

// first is the list line of the first match: 1 below a none line.
func (p *Model) first() int {
	if p.none != "" {
		return 1
	}
	return 0
}

// filter narrows the matches to query. A query that contains the previous
// one can only match fewer keys, so only the previous matches are looked
// at.
func (p *Model) filter(query string, reload bool) {
	if query == p.query && !reload {
		return
	}
	from := p.all
	if !reload && p.query != "" && strings.Contains(query, p.query) {
		from = p.matches
	}
	if query == "" {
		p.matches = p.all
	} else {
		var out []int
		for _, i := range from {
			if p.rows[i].Matches(query) {
				out = append(out, i)
			}
		}
		p.matches = out
	}
	p.query = query
	// Typing a search means looking for a key: start on the first match.
	p.cursor = 0
	if query != "" && len(p.matches) > 0 {
		p.cursor = p.first()
	}
	p.offset = 0
	p.scroll()
}

// Lines is the number of list lines: the none line and the matches.
func (p *Model) Lines() int { return len(p.matches) + p.first() }

// Move moves the cursor delta lines, within the list.
func (p *Model) Move(delta int) {
	p.cursor = min(max(p.cursor+delta, 0), max(p.Lines()-1, 0))
	p.scroll()
}

// scroll keeps the cursor inside the window.
func (p *Model) scroll() {
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+p.visible {
		p.offset = p.cursor - p.visible + 1
	}
	p.offset = min(max(p.offset, 0), max(p.Lines()-p.visible, 0))
}

// Selected is the key under the cursor, nil for the none line or an
// empty list.
func (p *Model) Selected() *Key {
	i := p.cursor - p.first()
	if i < 0 || i >= len(p.matches) {
		return nil
	}
	r := p.rows[p.matches[i]]
	return &r
}

// UpdateSearch gives a message to the search box and filters when the
// text changed.
func (p *Model) UpdateSearch(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	p.search, cmd = p.search.Update(msg)
	if p.loaded {
		p.filter(normalize(p.search.Value()), false)
	}
	return cmd
}

func (p *Model) countLine() string {
	switch {
	case p.err != "":
		return p.st.Error.Render("Could not load the keys: " + p.err)
	case !p.loaded:
		return p.st.Subtle.Render("Loading the Ready keys…")
	case len(p.rows) == 0 && p.none != "":
		return p.st.Warning.Render(fmt.Sprintf("No Ready keys in stock: import keys, or choose %q.", p.noneChoice()))
	case len(p.rows) == 0:
		return p.st.Warning.Render("No Ready keys in stock: import keys first.")
	}
	text := fmt.Sprintf("%s Ready %s", humanize.Comma(int64(len(p.rows))), plural(len(p.rows), "key", "keys"))
	switch {
	case p.query == "":
	case len(p.matches) == 0:
		text += ", none match"
	default:
		text += fmt.Sprintf(", %s %s", humanize.Comma(int64(len(p.matches))), plural(len(p.matches), "matches", "match"))
	}
	return p.st.Subtle.Render(text)
}

// noneChoice is the none line's choice, the words before its colon.
func (p *Model) noneChoice() string {
	choice, _, _ := strings.Cut(p.none, ":")
	return choice
}

// columns splits the width between serial, model, firmware and RFID.
func (p *Model) columns() [4]int {
	usable := max(p.width-2-3*2, 8) // cursor mark, gaps
	serial := usable * 3 / 10
	model := usable * 3 / 10
	firmware := usable * 15 / 100
	return [4]int{serial, model, firmware, usable - serial - model - firmware}
}

func (p *Model) row(mark string, cells [4]string) string {
	widths := p.columns()
	var b strings.Builder
	b.WriteString(mark)
	for i, c := range cells {
		if i > 0 {
			b.WriteString("  ")
		}
		b.WriteString(table.Fit(c, widths[i]))
	}
	return b.String()
}

// View is the search box, the count, the notice, the headings and the
// visible lines.
func (p *Model) View() string {
	lines := []string{
		p.st.Label.Render("Search") + p.search.View(),
		p.countLine(),
		p.noticeLine(),
		p.st.TableHeader.Render(p.row("  ", [4]string{"Serial", "Model", "Firmware", "RFID"})),
	}
	end := min(p.offset+p.visible, p.Lines())
	for i := p.offset; i < end; i++ {
		lines = append(lines, p.listLine(i))
	}
	return strings.Join(lines, "\n")
}

func (p *Model) noticeLine() string {
	if p.notice == "" {
		return ""
	}
	return p.st.Error.Render(ansi.Truncate("✗ "+p.notice, p.width, "…"))
}

func (p *Model) listLine(i int) string {
	none := p.none != "" && i == 0
	var text string
	if none {
		text = table.Fit(p.none, p.width-2)
	} else {
		r := p.rows[p.matches[i-p.first()]]
		text = p.row("", [4]string{r.Serial, r.Model, r.Firmware, r.RFID})
	}
	if i == p.cursor {
		return p.st.Selected.Render("> " + text)
	}
	if none {
		return "  " + p.st.Subtle.Render(text)
	}
	return "  " + p.st.Text.Render(text)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Navigate moves the cursor when msg is one of the list keys (up, down,
// a page, top, bottom); it reports whether it was. None of them may be a
// key that can be typed into the search.
func (p *Model) Navigate(msg tea.KeyMsg, keys *common.ListKeys) bool {
	switch {
	case key.Matches(msg, keys.Up):
		p.Move(-1)
	case key.Matches(msg, keys.Down):
		p.Move(1)
	case key.Matches(msg, keys.PageUp):
		p.Move(-p.visible)
	case key.Matches(msg, keys.PageDown):
		p.Move(p.visible)
	case key.Matches(msg, keys.Top):
		p.Move(-p.Lines())
	case key.Matches(msg, keys.Bottom):
		p.Move(p.Lines())
	default:
		return false
	}
	return true
}
