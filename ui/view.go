package ui

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/keydesk/keydesk/ui/component/styles"

	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/ui/component/table"
)

// layout gives the screens and layers the space between the header and
// the footer; it runs after every message, since the footer grows while
// it shows a message.
func (a *app) layout() {
	body := a.bodyHeight()
	for _, s := range a.screens {
		s.SetSize(a.width, body)
	}
	if a.dialog != nil {
		a.dialog.SetSize(a.width-4, body)
	}
	if a.wizard != nil {
		a.wizard.SetSize(a.width, a.height-a.headerHeight())
	}
}

// footerMemo is the footer drawn last and what it was drawn from: the
// footer is asked for after every message (layout) and at every View,
// and a write to the store brings each session several messages that
// leave it as it was. Callers must not change its lines.
type footerMemo struct {
	styles *styles.Styles
	key    []byte
	lines  []string
}

// footerKey is everything the footer is drawn from, but the styles.
func (a *app) footerKey(buf []byte, help []key.Binding, tail int) []byte {
	buf = strconv.AppendInt(buf, int64(a.width), 10)
	buf = append(buf, 0)
	buf = strconv.AppendInt(buf, int64(tail), 10)
	buf = append(buf, 0)
	buf = strconv.AppendBool(buf, a.notice.isErr)
	buf = append(buf, 0)
	buf = strconv.AppendQuote(buf, a.notice.text)
	for _, kb := range help {
		h := kb.Help()
		buf = append(buf, 0)
		buf = strconv.AppendBool(buf, kb.Enabled())
		buf = strconv.AppendQuote(buf, h.Key)
		buf = strconv.AppendQuote(buf, h.Desc)
	}
	return buf
}

func (a *app) footerLines() []string {
	help, tail := a.footerHelp(), a.footerTail()
	k := a.footerKey(make([]byte, 0, 256), help, tail)
	if a.footer.lines != nil && a.footer.styles == a.Styles && bytes.Equal(a.footer.key, k) {
		return a.footer.lines
	}
	lines := a.drawFooter(help, tail)
	a.footer = footerMemo{styles: a.Styles, key: k, lines: lines}
	return lines
}

func (a *app) drawFooter(help []key.Binding, tail int) []string {
	var lines []string
	if a.notice.text != "" {
		style := a.Styles.Success
		if a.notice.isErr {
			style = a.Styles.Error
		}
		wrapped := a.Styles.Renderer.NewStyle().Width(a.width).Render(a.notice.text)
		for _, l := range strings.Split(wrapped, "\n") {
			lines = append(lines, style.Render(strings.TrimRight(l, " ")))
		}
		lines = lines[:min(len(lines), 3)]
	}
	return append(lines, shortHelp(a.Styles, help, a.width, tail))
}

func (a *app) bodyHeight() int {
	if a.wizard != nil {
		return max(a.height-a.headerHeight(), 1)
	}
	return max(a.height-a.headerHeight()-len(a.footerLines()), 1)
}

// View draws the whole terminal.
func (a *app) View() string {
	if a.width < minWidth || a.height < minHeight {
		msg := a.Styles.Warning.Render("terminal too small: at least 60x16")
		return lipgloss.Place(a.width, a.height, lipgloss.Center, lipgloss.Center, msg)
	}
	if a.Access.Removed() != nil {
		return a.removedView()
	}
	header := a.header()
	if a.wizard != nil && a.dialog != nil { // "Quit keydesk?" over the wizard
		height := max(a.height-a.headerHeight(), 1)
		return header + "\n" + lipgloss.Place(a.width, height, lipgloss.Center, lipgloss.Center, a.dialog.View())
	}
	if a.wizard != nil {
		return header + "\n" + a.wizard.View()
	}
	footer := a.footerLines()
	height := a.height - a.headerHeight() - len(footer)
	var body string
	switch {
	case a.dialog != nil:
		body = lipgloss.Place(a.width, height, lipgloss.Center, lipgloss.Center, a.dialog.View())
	case a.code != nil:
		body = a.code.render(a.width, height)
	case a.showHelp:
		body = a.helpView(a.width, height)
	default:
		body = a.current().View()
	}
	return header + "\n" + table.FitBlock(body, a.width, height) + "\n" + strings.Join(footer, "\n")
}
