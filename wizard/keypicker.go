package wizard

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// keyRow is one Ready key as the picker shows and searches it.
type keyRow struct {
	stored                        string // the serial as the store knows it
	serial, model, firmware, rfid string // printable
	search                        string // serial, model and RFID in lower case
}

func newKeyRow(k model.Key) keyRow {
	r := keyRow{
		stored:   k.Serial,
		serial:   model.Printable(k.Serial),
		model:    model.Printable(k.Model),
		firmware: model.Printable(k.Firmware),
		rfid:     model.Printable(k.RFID),
	}
	r.search = strings.ToLower(r.serial + "\x00" + r.model + "\x00" + r.rfid)
	return r
}

// readyKeys loads the keys that can be assigned, sorted by serial, with
// their search text prepared here rather than on every keystroke.
func readyKeys(s *store.Store) ([]keyRow, error) {
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
	rows := make([]keyRow, len(ready))
	for i, k := range ready {
		rows[i] = newKeyRow(k)
	}
	return rows, nil
}

// keyPicker is the Key page's list: a search box over every Ready key and
// a window of rows around the cursor. It is built for tens of thousands of
// keys: only the visible rows are drawn, and a search that extends the
// previous one looks only among the previous matches.
type keyPicker struct {
	st     *styles.Styles
	search textinput.Model

	rows    []keyRow
	all     []int // 0..len(rows)-1, the matches of an empty search
	matches []int // indices into rows
	query   string

	cursor int // 0 is "No key now"; i > 0 is matches[i-1]
	offset int // the first list line on screen

	loaded bool
	err    string
	notice string // why the admin is back on this page

	width, visible int
}

func newKeyPicker(st *styles.Styles) keyPicker {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "type part of a serial, model or RFID"
	in.PromptStyle = st.Title
	in.TextStyle = st.Text
	in.PlaceholderStyle = st.Subtle
	in.Cursor.Style = st.Text
	in.Cursor.TextStyle = st.Text
	in.CompletionStyle = st.Subtle
	return keyPicker{st: st, search: in, width: 80}
}

// pickerChrome is the number of lines above the list: search, count,
// notice and the column headings.
const pickerChrome = 4

func (p *keyPicker) setSize(width, height int) {
	p.width = width
	p.visible = max(height-pickerChrome, 1)
	p.search.Width = max(width-p.st.Label.GetWidth()-1, 1)
	p.scroll()
}

// setRows replaces the list (a fresh load) and puts the cursor on the
// serial that was chosen before, if it is still there.
func (p *keyPicker) setRows(rows []keyRow, chosen string) {
	p.rows = rows
	p.all = make([]int, len(rows))
	for i := range p.all {
		p.all[i] = i
	}
	p.loaded = true
	p.err = ""
	p.filter(strings.ToLower(strings.TrimSpace(p.search.Value())), true)
	if chosen != "" {
		for i, idx := range p.matches {
			if rows[idx].stored == chosen {
				p.cursor = i + 1
				break
			}
		}
	}
	p.scroll()
}

// filter narrows the matches to query. A query that contains the previous
// one can only match fewer keys, so only the previous matches are looked
// at.
func (p *keyPicker) filter(query string, reload bool) {
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
			if strings.Contains(p.rows[i].search, query) {
				out = append(out, i)
			}
		}
		p.matches = out
	}
	p.query = query
	// Typing a search means looking for a key: start on the first match.
	p.cursor = 0
	if query != "" && len(p.matches) > 0 {
		p.cursor = 1
	}
	p.offset = 0
	p.scroll()
}

// lines is the number of list lines: "No key now" and the matches.
func (p *keyPicker) lines() int { return len(p.matches) + 1 }

func (p *keyPicker) move(delta int) {
	p.cursor = min(max(p.cursor+delta, 0), p.lines()-1)
	p.scroll()
}

// scroll keeps the cursor inside the window.
func (p *keyPicker) scroll() {
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+p.visible {
		p.offset = p.cursor - p.visible + 1
	}
	p.offset = min(max(p.offset, 0), max(p.lines()-p.visible, 0))
}

// selected is the key under the cursor, nil for "No key now".
func (p *keyPicker) selected() *keyRow {
	if p.cursor == 0 || p.cursor > len(p.matches) {
		return nil
	}
	r := p.rows[p.matches[p.cursor-1]]
	return &r
}

// updateSearch gives a message to the search box and filters when the
// text changed.
func (p *keyPicker) updateSearch(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	p.search, cmd = p.search.Update(msg)
	if p.loaded {
		p.filter(strings.ToLower(strings.TrimSpace(p.search.Value())), false)
	}
	return cmd
}

func (p *keyPicker) countLine() string {
	switch {
	case p.err != "":
		return p.st.Error.Render("Could not load the keys: " + p.err)
	case !p.loaded:
		return p.st.Subtle.Render("Loading the Ready keys…")
	case len(p.rows) == 0:
		return p.st.Warning.Render("No Ready keys in stock: import keys, or choose \"No key now\".")
	}
	text := fmt.Sprintf("%s Ready %s", thousands(len(p.rows)), plural(len(p.rows), "key", "keys"))
	switch {
	case p.query == "":
	case len(p.matches) == 0:
		text += ", none match"
	default:
		text += fmt.Sprintf(", %s %s", thousands(len(p.matches)), plural(len(p.matches), "matches", "match"))
	}
	return p.st.Subtle.Render(text)
}

// columns splits the width between serial, model, firmware and RFID.
func (p *keyPicker) columns() [4]int {
	usable := max(p.width-2-3*2, 8) // cursor mark, gaps
	serial := usable * 3 / 10
	model := usable * 3 / 10
	firmware := usable * 15 / 100
	return [4]int{serial, model, firmware, usable - serial - model - firmware}
}

func (p *keyPicker) row(mark string, cells [4]string) string {
	widths := p.columns()
	var b strings.Builder
	b.WriteString(mark)
	for i, c := range cells {
		if i > 0 {
			b.WriteString("  ")
		}
		b.WriteString(fit(c, widths[i]))
	}
	return b.String()
}

func (p *keyPicker) view() string {
	lines := []string{
		p.st.Label.Render("Search") + p.search.View(),
		p.countLine(),
		p.noticeLine(),
		p.st.TableHeader.Render(p.row("  ", [4]string{"Serial", "Model", "Firmware", "RFID"})),
	}
	end := min(p.offset+p.visible, p.lines())
	for i := p.offset; i < end; i++ {
		lines = append(lines, p.listLine(i))
	}
	return strings.Join(lines, "\n")
}

func (p *keyPicker) noticeLine() string {
	if p.notice == "" {
		return ""
	}
	return p.st.Error.Render(ansi.Truncate("✗ "+p.notice, p.width, "…"))
}

func (p *keyPicker) listLine(i int) string {
	var text string
	if i == 0 {
		text = fit("No key now: create the employee without a key", p.width-2)
	} else {
		r := p.rows[p.matches[i-1]]
		text = p.row("", [4]string{r.serial, r.model, r.firmware, r.rfid})
	}
	if i == p.cursor {
		return p.st.Selected.Render("> " + text)
	}
	if i == 0 {
		return "  " + p.st.Subtle.Render(text)
	}
	return "  " + p.st.Text.Render(text)
}

// fit cuts or pads s to exactly width columns.
func fit(s string, width int) string {
	s = ansi.Truncate(s, width, "…")
	return s + strings.Repeat(" ", max(width-ansi.StringWidth(s), 0))
}

// thousands writes 50000 as "50,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
