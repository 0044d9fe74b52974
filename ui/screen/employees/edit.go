package employees

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
)

// editDoneMsg is the store's answer to an edit, tagged with the employee.
type editDoneMsg struct {
	employeeID uint64
	employee   model.Employee
	err        error
}

// editForm edits one employee's profile.
type editForm struct {
	*common.ScreenForm
	c      *common.Common
	id     uint64
	ref    store.EmployeeRef
	name   string
	values *model.EmployeeInput
	// original is what the form opened with: esc drops nothing changed
	// without asking.
	original model.EmployeeInput
}

// changed reports whether the form holds typed changes.
func (f *editForm) changed() bool { return *f.values != f.original }

// editFields are the form's fields; the required ones are marked * and
// refused empty under the field, as in the wizard.
var editFields = []struct {
	key, title string
	required   bool
}{
	{"first_name", "First name", true},
	{"last_name", "Last name", false},
	{"email", "E-mail", true},
	{"phone", "Phone", false},
	{"department", "Department", false},
	{"position", "Position", false},
	{"company", "Company", false},
}

// newEditForm builds the form prefilled with in; fieldErr, from the
// store's last answer, is shown at its field until that field changes.
func newEditForm(c *common.Common, id uint64, ref store.EmployeeRef, name string, in model.EmployeeInput, fieldErr *model.FieldError) (*editForm, tea.Cmd) {
	f := &editForm{c: c, id: id, ref: ref, name: name, values: &in, original: in}
	ptrs := map[string]*string{
		"first_name": &in.FirstName, "last_name": &in.LastName, "email": &in.Email,
		"phone": &in.Phone, "department": &in.Department, "position": &in.Position, "company": &in.Company,
	}
	fields := make([]huh.Field, 0, len(editFields))
	errAt := -1
	var errInput *huh.Input
	for i, ef := range editFields {
		title := ef.title
		if ef.required {
			title += " *"
		}
		input := huh.NewInput().Key(ef.key).Title(common.FieldTitle(title)).Inline(true).Value(ptrs[ef.key]).CharLimit(254)
		if ef.required {
			what := strings.ToLower(ef.title)
			input.Validate(func(s string) error {
				if strings.TrimSpace(s) == "" {
					return errors.New(what + " is required")
				}
				return nil
			})
		}
		if fieldErr != nil && fieldErr.Field == ef.key {
			rejected, msg := *ptrs[ef.key], fieldErr.Msg
			input.Validate(func(s string) error {
				if s == rejected {
					return errors.New(msg)
				}
				return nil
			})
			errAt, errInput = i, input
		}
		fields = append(fields, input)
	}
	f.ScreenForm = common.NewScreenForm(c.Styles, huh.NewGroup(fields...).Title("Edit "+name).
		Description("Change what is wrong; enter on the last field saves."), c.Width, c.Height, f.save)
	cmds := []tea.Cmd{f.Init()}
	if errInput != nil {
		errInput.Blur() // shows the error now, not after the next key
		for range errAt {
			cmds = append(cmds, f.NextField())
		}
	}
	return f, tea.Batch(cmds...)
}

func (f *editForm) save() tea.Cmd {
	st, actor, ref, id, in := f.c.Store, f.c.Actor, f.ref, f.id, *f.values
	return func() tea.Msg {
		e, err := st.EditEmployee(actor, ref, in)
		return editDoneMsg{employeeID: id, employee: e, err: err}
	}
}

// help is the form's keys, for the footer.
func (f *editForm) help() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field, save after the last")),
		key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}
