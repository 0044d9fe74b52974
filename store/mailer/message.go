package mailer

import (
	"bytes"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"

	"github.com/keydesk/keydesk/model"
)

// CodeMessage is an activation code on its way to the employee.
type CodeMessage struct {
	To           string // the employee's e-mail address
	EmployeeName string
	Serial       string // the IPI Key's serial
	Code         string // 6 digits
	Expires      time.Time
}

// The code goes in the body only: subjects show up in notifications,
// mailbox lists and server logs.
const (
	codeSubject = "Your IPI Key activation code"
	testSubject = "keydesk test message"
)

// expiryLayout is spelled out so nobody misreads 03/04 as 3 April.
const expiryLayout = "Monday 2 January 2006, 15:04 MST"

// codeView is what the templates see; the grouping is done here once.
type codeView struct {
	Name, Serial, Code, Spelled, Expires string
}

func newCodeView(m CodeMessage) codeView {
	return codeView{
		Name:    m.EmployeeName,
		Serial:  m.Serial,
		Code:    model.GroupCode(m.Code),
		Spelled: model.SpellCode(m.Code),
		Expires: m.Expires.Format(expiryLayout),
	}
}

var codeText = texttemplate.Must(texttemplate.New("text").Parse(
	`Hello{{if .Name}} {{.Name}}{{end}},

Your IPI Key activation code is:

    {{.Code}}
    ({{.Spelled}})

Key serial: {{.Serial}}
Expires:    {{.Expires}}

Insert your IPI Key, open the client software and type this code when
asked; it expires on {{.Expires}}.
If it has expired, ask your administrator for a new code.
`))

var codeHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html>
<body style="font-family: sans-serif; line-height: 1.4">
<p>Hello{{if .Name}} {{.Name}}{{end}},</p>
<p>Your IPI Key activation code is:</p>
<p style="font-family: monospace; font-size: 2em; font-weight: bold; letter-spacing: 0.1em">{{.Code}}</p>
<p style="color: #555">{{.Spelled}}</p>
<table>
<tr><td>Key serial</td><td><strong>{{.Serial}}</strong></td></tr>
<tr><td>Expires</td><td>{{.Expires}}</td></tr>
</table>
<p>Insert your IPI Key, open the client software and type this code when asked;
it expires on {{.Expires}}. If it has expired, ask your administrator for a new code.</p>
</body>
</html>
`))

const testText = `This is a test message from keydesk.

If you can read it, keydesk can send activation codes by e-mail with the
current mail server settings.
`

// codeBodies renders the plain-text body and its HTML alternative.
func codeBodies(m CodeMessage) (text, html string, err error) {
	view := newCodeView(m)
	var t, h bytes.Buffer
	if err := codeText.Execute(&t, view); err != nil {
		return "", "", err
	}
	if err := codeHTML.Execute(&h, view); err != nil {
		return "", "", err
	}
	return t.String(), h.String(), nil
}
