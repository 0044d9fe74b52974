package wizard

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
)

// profileField is one input of the Person page (the step named "Person"
// beside the Profiles screen of access profiles). name is the Field of the
// *model.FieldError that reports a problem with it.
type profileField struct {
	name        string
	label       string
	placeholder string
	value       func(*model.EmployeeInput) *string
}

var profileFields = []profileField{
	{"first_name", "First name *", "", func(in *model.EmployeeInput) *string { return &in.FirstName }},
	{"last_name", "Last name", "", func(in *model.EmployeeInput) *string { return &in.LastName }},
	{"email", "E-mail *", "name@example.com", func(in *model.EmployeeInput) *string { return &in.Email }},
	{"phone", "Phone", "optional, e.g. +1 555 0100", func(in *model.EmployeeInput) *string { return &in.Phone }},
	{"department", "Department", "optional", func(in *model.EmployeeInput) *string { return &in.Department }},
	{"position", "Position", "optional", func(in *model.EmployeeInput) *string { return &in.Position }},
	{"company", "Company", "optional", func(in *model.EmployeeInput) *string { return &in.Company }},
}

func fieldIndex(name string) int {
	for i, f := range profileFields {
		if f.name == name {
			return i
		}
	}
	return 0
}

// fieldProblem is a problem the store found when the profile was
// submitted (a taken e-mail or name). It is shown at its field until the
// admin changes the profile.
type fieldProblem struct {
	field   string
	msg     string
	profile model.EmployeeInput // as it was submitted
}

type profileCheckedMsg struct {
	id      int
	profile model.EmployeeInput // normalised
	err     error
}

// openProfile builds a fresh form over the values kept in the Model (so
// Back and a refused Create lose nothing) with the focus on the named
// field.
func (m *Model) openProfile(focus string) tea.Cmd {
	m.page = pageProfile
	theme := common.FormTheme(m.st)
	m.inputs = make([]*huh.Input, len(profileFields))
	fields := make([]huh.Field, len(profileFields))
	for i, f := range profileFields {
		m.inputs[i] = huh.NewInput().
			Title(fieldTitle(m.st, f.label)).
			Inline(true).
			Prompt("").
			Placeholder(f.placeholder).
			Value(f.value(&m.profile)).
			Validate(validateField(f.name))
		// Themed before NewGroup, which draws the fields once to measure
		// them: unthemed, huh would draw with its own theme on lipgloss's
		// process-wide renderer instead of this session's.
		fields[i] = m.inputs[i].WithTheme(theme)
	}
	keys := huh.NewDefaultKeyMap()
	keys.Quit.SetEnabled(false) // ctrl+c is not huh's: the app answers it (quit, asking first), or the wizard alone
	m.form = huh.NewForm(huh.NewGroup(fields...)).
		WithTheme(theme).
		WithKeyMap(keys).
		WithShowHelp(false).
		WithShowErrors(false).
		WithWidth(formWidth(m.width))
	cmds := []tea.Cmd{m.form.Init()}
	for range fieldIndex(focus) {
		cmds = append(cmds, m.form.NextField())
	}
	return tea.Batch(cmds...)
}

// formWidth is the width given to huh: its fields draw their focus
// border outside the width they are given.
func formWidth(width int) int { return max(width-1, 1) }

// validateField checks one field by the model's rules as the admin leaves
// it. The other fields are filled with valid stand-ins so that the error
// returned, if any, is about this field alone.
func validateField(name string) func(string) error {
	return func(value string) error {
		probe := model.EmployeeInput{FirstName: "x", Email: "x@example.com"}
		*profileFields[fieldIndex(name)].value(&probe) = value
		_, err := model.NormalizeEmployee(probe)
		var fe *model.FieldError
		if errors.As(err, &fe) && fe.Field == name {
			return errors.New(fe.Msg)
		}
		return nil
	}
}

// profileKey moves between the fields itself rather than through huh's
// own next-field command: that command comes back after any keys already
// queued, so keys typed ahead (over a slow SSH link, or scripted) would
// land in the field being left. Keys that stay in a field go to huh.
func (m *Model) profileKey(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, m.keys.Quit, m.keys.Cancel) {
		return m.leave()
	}
	if m.busy != "" {
		return nil // the store is checking what was submitted
	}
	i := m.focusedField()
	last := i == len(profileFields)-1
	switch {
	case key.Matches(msg, m.keys.PrevField):
		if i == 0 {
			return nil
		}
		return m.form.PrevField()
	case !key.Matches(msg, m.keys.NextField):
		return m.updateForm(msg)
	case validateField(profileFields[i].name)(*profileFields[i].value(&m.profile)) != nil:
		return m.updateForm(msg) // huh shows the problem and keeps the focus
	case !last:
		return m.form.NextField()
	case key.Matches(msg, m.keys.ContinueField):
		return m.checkProfile()
	}
	return nil
}

// updateForm gives a message to the form (typing, cursor blinks).
func (m *Model) updateForm(msg tea.Msg) tea.Cmd {
	if m.form == nil {
		return nil
	}
	_, cmd := m.form.Update(msg)
	return cmd
}

// checkProfile asks the store whether the profile can be created (rules
// and uniqueness) before the admin moves on.
func (m *Model) checkProfile() tea.Cmd {
	id := m.nextRequest("Checking the person's details…")
	s, in := m.cfg.Store, m.profile
	return func() tea.Msg {
		norm, err := s.CheckNewEmployee(in)
		return profileCheckedMsg{id: id, profile: norm, err: err}
	}
}

func (m *Model) profileChecked(msg profileCheckedMsg) tea.Cmd {
	if !m.answered(msg.id) || m.page != pageProfile {
		return nil
	}
	if msg.err != nil {
		return m.profileRefused(msg.err)
	}
	m.checked = msg.profile
	m.storeErr = nil
	if !m.may(model.OpKeyAssign) {
		// No key to give: straight to the review, with none.
		m.choice, m.page, m.failure = nil, pageReview, ""
		return nil
	}
	return m.openKeyPage()
}

// profileRefused brings the admin back to the Person page with the
// message at the field it is about.
func (m *Model) profileRefused(err error) tea.Cmd {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		m.storeErr = &fieldProblem{field: fe.Field, msg: fe.Msg, profile: m.profile}
		return m.openProfile(fe.Field)
	}
	m.failure = err.Error()
	return m.openProfile("")
}

// fieldMessage is the problem to show under field i, if any.
func (m *Model) fieldMessage(i int) string {
	if err := m.inputs[i].Error(); err != nil {
		return err.Error()
	}
	if p := m.storeErr; p != nil && p.field == profileFields[i].name && p.profile == m.profile {
		return p.msg
	}
	return ""
}

func (m *Model) focusedField() int {
	focused := m.form.GetFocusedField()
	for i, in := range m.inputs {
		if huh.Field(in) == focused {
			return i
		}
	}
	return 0
}

func (m *Model) profileHelp() []key.Binding {
	i := m.focusedField()
	var keys []key.Binding
	if i == len(profileFields)-1 {
		keys = append(keys, m.keys.ContinueField)
	} else {
		keys = append(keys, m.keys.NextField)
	}
	if i > 0 {
		keys = append(keys, m.keys.PrevField)
	}
	return append(keys, m.keys.Cancel)
}

// profileView draws the fields, each with a line under it for its
// problem.
func (m *Model) profileView(height int) string {
	lines := []string{
		m.st.Text.Render("Who is the new employee? Fields marked * are required."),
		"",
	}
	// The problem lines start under the values: the focus border and its
	// padding, then the label column.
	indent := 2 + m.st.Label.GetWidth()
	var withMessages []string
	for i := range profileFields {
		withMessages = append(withMessages, m.inputs[i].View())
		msg := ""
		if text := m.fieldMessage(i); text != "" {
			msg = hang(m.st.Error.Render(wrapText("✗ "+sentence(text), m.width-indent)), indent)
		}
		withMessages = append(withMessages, msg)
	}
	return strings.Join(dropBlankLines(append(lines, withMessages...), height), "\n")
}

// sentence starts a message from the model ("first name is required")
// with a capital, as it stands alone under a field.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
