package keys

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/data"
	"github.com/keydesk/keydesk/ui/component/dialog"
)

// The Keys list filters as the Employees list does: `f` opens one picker
// with every status, the keys reported lost (what waits for an admin),
// and every licence status, each with how many keys. A status and a
// licence status combine; picking another of the same kind replaces it;
// "(no filter)" and esc on the list clear both. The filter is always
// named on the list's title line.

// keyFilter keeps the keys in one status (or reported lost) and with a
// licence in one status, each optional.
type keyFilter struct {
	status    model.Status
	lost      bool // reported lost, waiting for an admin
	licence   model.LicenceStatus
	byLicence bool
}

func (f keyFilter) active() bool { return f.status != 0 || f.lost || f.byLicence }

// String names the filter for the title line: "Locked + licence expired".
func (f keyFilter) String() string {
	var parts []string
	switch {
	case f.lost:
		parts = append(parts, "reported lost")
	case f.status != 0:
		parts = append(parts, f.status.String())
	}
	switch {
	case f.byLicence && f.licence == model.LicenceNone:
		parts = append(parts, "no licence")
	case f.byLicence:
		parts = append(parts, "licence "+f.licence.String())
	}
	return strings.Join(parts, " + ")
}

// keep is the filter's test of one key; nil keeps every key.
func (f keyFilter) keep(keys []data.KeyRow) func(i int32) bool {
	if !f.active() {
		return nil
	}
	return func(i int32) bool {
		k := &keys[i]
		switch {
		case f.lost && !model.IsReportedLost(k.Status(), k.Reason()):
			return false
		case f.status != 0 && k.Status() != f.status:
			return false
		case f.byLicence && k.Licence() != f.licence:
			return false
		}
		return true
	}
}

// filterChoice is one line of the picker.
type filterChoice struct {
	kind    string // "status", "lost", "licence", or "" for no filter
	status  model.Status
	licence model.LicenceStatus
}

// filterChosenMsg is the admin's pick, for the screen to apply.
type filterChosenMsg struct{ choice filterChoice }

func chosen(c filterChoice) tea.Msg { return filterChosenMsg{choice: c} }

// apply combines a choice with the filter as it is.
func (f keyFilter) apply(c filterChoice) keyFilter {
	switch c.kind {
	case "status":
		f.status, f.lost = c.status, false
	case "lost":
		f.status, f.lost = 0, true
	case "licence":
		f.licence, f.byLicence = c.licence, true
	default:
		f = keyFilter{}
	}
	return f
}

func (m *Model) pickFilter() tea.Cmd {
	idx := m.idx
	if idx == nil {
		return nil
	}
	if idx.Partial() {
		return common.Cmd(common.StillLoadingMsg{Text: "still loading all keys: press f again in a moment"})
	}
	choices := []filterChoice{{}, {kind: "lost"}}
	for _, s := range model.Statuses {
		choices = append(choices, filterChoice{kind: "status", status: s})
	}
	for _, l := range model.LicenceStatuses {
		choices = append(choices, filterChoice{kind: "licence", licence: l})
	}
	cells := func(c filterChoice) (kind, name string, n int) {
		switch c.kind {
		case "lost":
			return "waiting", "reported lost, for an admin", len(idx.ReportedLost())
		case "status":
			return "status", c.status.String(), idx.Count(c.status)
		case "licence":
			if c.licence == model.LicenceNone {
				return "licence", "no licence", idx.LicenceCount(c.licence)
			}
			return "licence", c.licence.String(), idx.LicenceCount(c.licence)
		}
		return "all keys", "(no filter)", len(idx.Keys)
	}
	return dialog.OpenFilterPicker(m.Styles, dialog.FilterChoices[filterChoice]{
		Title: "Show the keys…", Body: "A status and a licence status together keep the keys in both.",
		KindWidth: 9, CountTitle: "Keys", CountWidth: 7,
		Choices: choices, Cells: cells, Chosen: chosen,
	})
}

// applyFilter shows the keys of the filter combined with the choice.
func (l *list) applyFilter(c filterChoice) {
	l.ChangeFilter(func() {
		l.filter = l.filter.apply(c)
		l.Refilter()
	})
}
