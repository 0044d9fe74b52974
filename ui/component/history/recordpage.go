package history

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/styles"
)

// RecordPage is the page of one record (a key, an employee) that a list
// screen opens over its list, with the record's history at its foot: how
// it opens, reloads, takes its keys and closes is the same on the Keys
// and Employees screens; what it shows above the history is each
// screen's.
type RecordPage struct {
	page    *Page // nil: the list is shown
	history func(id uint64) *Page
}

// NewRecordPage is a closed page whose record's history comes from
// history (KeyPage, EmployeePage).
func NewRecordPage(history func(id uint64) *Page) RecordPage {
	return RecordPage{history: history}
}

// Open shows record id's page and loads its history.
func (r *RecordPage) Open(id uint64) tea.Cmd {
	r.page = r.history(id)
	return r.page.Load()
}

// Close goes back to the list.
func (r *RecordPage) Close() { r.page = nil }

// IsOpen reports whether a page is shown over the list.
func (r *RecordPage) IsOpen() bool { return r.page != nil }

// ID is the record whose page is shown, if one is.
func (r *RecordPage) ID() (uint64, bool) {
	if r.page == nil {
		return 0, false
	}
	return r.page.of.id, true
}

// History is the open page's history (nil: none open).
func (r *RecordPage) History() *Page { return r.page }

// Reload follows new data: the open page's history is read again, and a
// page whose record no longer exists closes (gone).
func (r *RecordPage) Reload(exists func(id uint64) bool) (cmd tea.Cmd, gone bool) {
	if r.page == nil {
		return nil, false
	}
	if !exists(r.page.of.id) {
		r.page = nil
		return nil, true
	}
	return r.page.Load(), false
}

// Loaded shows a history that was read, if it is the open page's.
func (r *RecordPage) Loaded(msg LoadedMsg) {
	if r.page != nil {
		r.page.Loaded(msg)
	}
}

// HandleKey gives a key to the open page's history, and closes the page
// on esc; handled is false for the keys left to the screen.
func (r *RecordPage) HandleKey(k tea.KeyMsg, keys *common.ListKeys) (handled bool) {
	switch {
	case r.page.HandleKey(k, keys):
		return true
	case key.Matches(k, keys.Back):
		r.page = nil
		return true
	}
	return false
}

// Busy reports whether the history holds the page's keys.
func (r *RecordPage) Busy() bool { return r.page != nil && r.page.Busy() }

// EntryView is the history entry opened on the page, drawn over it, if
// one is open.
func (r *RecordPage) EntryView(st *styles.Styles, width, height int) (string, bool) {
	if r.page == nil || r.page.Opened == nil {
		return "", false
	}
	return EntryView(st, r.page.Opened, width, height), true
}

// FocusHelp is the footer's keys while the history holds them.
func (r *RecordPage) FocusHelp() []key.Binding { return r.page.FocusHelp() }

// Shown reports whether the page is open with its own keys (esc closes
// it), not the history's.
func (r *RecordPage) Shown() bool { return r.page != nil && !r.page.Busy() }
