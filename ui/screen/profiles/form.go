package profiles

import (
	"errors"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/common"
)

// formValues are the form's fields as typed: numbers as text until saved.
type formValues struct {
	Name                         string
	RequirePIN                   bool
	MinLength, MaxLength, Expiry string
	WrongPINs                    string
	RequireButton, RequireServer bool
}

func valuesOf(p model.Profile) formValues {
	return formValues{
		Name: p.Name, RequirePIN: p.RequirePIN,
		MinLength: strconv.Itoa(p.PINMinLength), MaxLength: strconv.Itoa(p.PINMaxLength),
		Expiry: strconv.Itoa(p.PINExpiryDays), WrongPINs: strconv.Itoa(p.WrongPINLimit),
		RequireButton: p.RequireButton, RequireServer: p.RequireServerConfirm,
	}
}

// rules reads the numbers back; the fields' checks let only whole
// numbers through.
func (v formValues) rules() model.ProfileRules {
	n := func(s string) int { i, _ := strconv.Atoi(strings.TrimSpace(s)); return i }
	return model.ProfileRules{
		RequirePIN: v.RequirePIN, PINExpiryDays: n(v.Expiry), PINMinLength: n(v.MinLength), PINMaxLength: n(v.MaxLength),
		WrongPINLimit: n(v.WrongPINs), RequireButton: v.RequireButton, RequireServerConfirm: v.RequireServer,
	}
}

// editForm adds a profile, or edits the one it was opened on.
type editForm struct {
	*common.ScreenForm
	c      *common.Common
	old    model.Profile // the profile edited, at its revision; zero for a new one
	isNew  bool
	values formValues
}

// savedMsg is the store's answer to a save, tagged with the form.
type savedMsg struct {
	form    *editForm
	profile model.Profile
	err     error
}

func newEditForm(c *common.Common, old model.Profile, isNew bool, v formValues, problem string) (*editForm, tea.Cmd) {
	f := &editForm{c: c, old: old, isNew: isNew, values: v}
	in := &f.values
	// number is a field of a whole number, checked by the model's rule
	// for the rule set sets.
	number := func(key, title, hint string, value *string, set func(*model.ProfileRules, int)) *huh.Input {
		return huh.NewInput().Key(key).Title(common.FieldTitle(title)).Inline(true).Value(value).
			CharLimit(5).Placeholder(hint).Validate(func(s string) error {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return errors.New("give a whole number")
			}
			return checkRule(func(r *model.ProfileRules) { set(r, n) })
		})
	}
	yesNo := func(key, title string, value *bool) *huh.Confirm {
		return huh.NewConfirm().Key(key).Title(common.FieldTitle(title)).Inline(true).Affirmative("yes").Negative("no").Value(value)
	}
	var fields []huh.Field
	title := "New profile"
	if !isNew {
		title = "Edit profile " + model.Printable(old.Name)
	}
	if old.IsDefault() {
		title += " (its name stays)"
	} else {
		fields = append(fields, huh.NewInput().Key("name").Title(common.FieldTitle("Name")).Inline(true).Value(&in.Name).
			CharLimit(40).Placeholder("e.g. High security").Validate(func(s string) error {
			_, err := model.NormalizeProfileName(s)
			return err
		}))
	}
	fields = append(fields,
		yesNo("pin", "Require PIN", &in.RequirePIN),
		number("min", "PIN min", "4 to 16 digits", &in.MinLength, func(r *model.ProfileRules, n int) { r.PINMinLength = n }),
		number("max", "PIN max", "4 to 16 digits", &in.MaxLength, func(r *model.ProfileRules, n int) { r.PINMaxLength = n }),
		number("expiry", "PIN expiry", "days, 0 for never", &in.Expiry, func(r *model.ProfileRules, n int) { r.PINExpiryDays = n }),
		number("wrong", "Wrong PINs", "3 to 10", &in.WrongPINs, func(r *model.ProfileRules, n int) { r.WrongPINLimit = n }),
		yesNo("button", "Button", &in.RequireButton),
		yesNo("server", "Server OK", &in.RequireServer),
	)
	f.ScreenForm = common.NewScreenForm(c.Styles, huh.NewGroup(fields...).Title(title).
		Description("What the keys with this profile ask for: a PIN of 4 to 16 digits, changed every\n"+
			"so many days (0: never), 3 to 10 wrong ones before the key locks, a press of its\n"+
			"button, this server's OK. enter on the last field saves."), c.Width, c.Height, f.save)
	f.SetProblem(problem)
	return f, f.Init()
}

// checkRule checks one number by the model's rules: the others keep
// Default's values, which span every bound, so that the message is this
// field's. (That the shortest PIN is not longer than the longest is
// checked on save, when both are known.)
func checkRule(set func(*model.ProfileRules)) error {
	probe := model.DefaultRules
	set(&probe)
	return probe.Validate()
}

// save saves at the revision the form was opened on, so that an admin who
// saves an old form is told, instead of undoing another admin's save.
func (f *editForm) save() tea.Cmd {
	st, actor, v, old, isNew := f.c.Store, f.c.Actor, f.values, f.old, f.isNew
	return func() tea.Msg {
		var p model.Profile
		var err error
		if isNew {
			p, err = st.AddProfile(actor, v.Name, v.rules())
		} else {
			name := v.Name
			if old.IsDefault() {
				name = old.Name
			}
			p, err = st.EditProfile(actor, store.ProfileRef{Name: old.Name, Rev: old.Rev}, name, v.rules())
		}
		return savedMsg{form: f, profile: p, err: err}
	}
}

func (f *editForm) help() []key.Binding { return f.Help("yes/no") }
