package settings

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
)

// formValues are the form's fields as typed. The password field starts
// empty and stays empty unless the admin types a new one: the saved
// password is never shown back.
type formValues struct {
	Host, Port, From, User string
	TLS                    model.TLSMode
	Password               string
	ClearPassword          bool
}

func formValuesOf(s model.SMTPSettings) formValues {
	v := formValues{Host: s.Host, Port: portText(s.Port), From: s.From, User: s.User, TLS: s.TLS}
	if !v.TLS.Valid() {
		v.TLS = model.TLSStartTLS
	}
	return v
}

// settings is what the form asks to save; password is the saved one,
// kept unless the admin typed a new one or asked to clear it.
func (v formValues) settings(password string) model.SMTPSettings {
	s := model.SMTPSettings{
		Host: strings.TrimSpace(v.Host), TLS: v.TLS,
		From: strings.TrimSpace(v.From), User: strings.TrimSpace(v.User), Password: password,
	}
	s.Port, _ = strconv.Atoi(strings.TrimSpace(v.Port))
	if strings.TrimSpace(v.Port) == "" {
		s.Port = v.TLS.DefaultPort()
	}
	switch {
	case v.Password != "":
		s.Password = v.Password
	case v.ClearPassword:
		s.Password = ""
	}
	return s
}

// editForm edits the mail settings it was opened on.
type editForm struct {
	*common.ScreenForm
	c        *common.Common
	values   formValues
	password string // the saved one: kept unless a new one is typed or it is cleared
	rev      uint64 // of the settings opened: the store refuses a save over newer ones
}

// savedMsg is the store's answer to a save, tagged with the form.
type savedMsg struct {
	form     *editForm
	settings model.SMTPSettings // what was saved, at the form's rev + 1
	err      error
}

func newEditForm(c *common.Common, v formValues, password string, rev uint64) (*editForm, tea.Cmd) {
	f := &editForm{c: c, values: v, password: password, rev: rev}
	hasPassword := password != "" // the form offers to clear it
	in := &f.values
	passwordHint := "none saved; leave empty to send without"
	if hasPassword {
		passwordHint = "leave empty to keep the saved one"
	}
	fields := []huh.Field{
		huh.NewInput().Key("host").Title(common.FieldTitle("Host")).Inline(true).Value(&in.Host).CharLimit(253).
			Placeholder("e.g. smtp.example.com").Validate(checkHost),
		huh.NewSelect[model.TLSMode]().Key("tls").Title(common.FieldTitle("TLS")).Inline(true).Value(&in.TLS).
			Options(
				huh.NewOption("STARTTLS", model.TLSStartTLS),
				huh.NewOption("implicit TLS", model.TLSImplicit),
				huh.NewOption("none (trusted relay only)", model.TLSNone),
			),
		huh.NewInput().Key("port").Title(common.FieldTitle("Port")).Inline(true).Value(&in.Port).
			PlaceholderFunc(func() string {
				return fmt.Sprintf("empty = %d, the usual port for %s", in.TLS.DefaultPort(), tlsWords(in.TLS))
			}, &in.TLS).
			Validate(checkPort),
		huh.NewInput().Key("from").Title(common.FieldTitle("Sender")).Inline(true).Value(&in.From).CharLimit(254).
			Placeholder("e.g. keydesk@example.com or IT desk <keydesk@example.com>").Validate(checkFrom),
		huh.NewInput().Key("user").Title(common.FieldTitle("User")).Inline(true).Value(&in.User).CharLimit(254).
			Placeholder("empty: send without logging in").Validate(checkUser),
		huh.NewInput().Key("password").Title(common.FieldTitle("Password")).Inline(true).Value(&in.Password).CharLimit(500).
			EchoMode(huh.EchoModePassword).Placeholder(passwordHint),
	}
	if hasPassword {
		fields = append(fields, huh.NewConfirm().Key("clear").Title(common.FieldTitle("Saved one")).Inline(true).
			Affirmative("clear it").Negative("keep it").Value(&in.ClearPassword))
	}
	f.ScreenForm = common.NewScreenForm(c.Styles, huh.NewGroup(fields...).Title("Mail server").
		Description("For everyone who uses this database; enter on the last field saves."), c.Width, c.Height, f.save)
	return f, f.Init()
}

// save saves at the revision the form was opened on, so that an admin
// who saves an old form is told, instead of undoing another admin's save.
func (f *editForm) save() tea.Cmd {
	st, actor, settings, rev := f.c.Store, f.c.Actor, f.values.settings(f.password), f.rev
	return func() tea.Msg {
		return savedMsg{form: f, settings: settings, err: st.SetSMTPSettings(actor, settings, rev)}
	}
}

func (f *editForm) help() []key.Binding { return f.Help("choose") }

// The fields are checked by the model's own rules, one field at a time:
// the other fields are given values the model accepts, so that the
// message that comes back is about this field, shown at it.
var validSample = model.SMTPSettings{Host: "smtp.example.com", Port: 587, TLS: model.TLSStartTLS, From: "keydesk@example.com"}

func checkHost(s string) error {
	probe := validSample
	probe.Host = strings.TrimSpace(s)
	return probe.Validate()
}

func checkFrom(s string) error {
	probe := validSample
	probe.From = strings.TrimSpace(s)
	return probe.Validate()
}

func checkPort(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil // the usual port of the TLS mode
	}
	probe := validSample
	n, err := strconv.Atoi(s)
	if err != nil {
		n = 0 // the model's message says what a port is
	}
	probe.Port = n
	return probe.Validate()
}

func checkUser(s string) error {
	if model.Printable(s) != s {
		return fmt.Errorf("user name must not contain control characters")
	}
	return nil
}
