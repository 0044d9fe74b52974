package cli_test

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/store/mailer/smtptest"
	"github.com/keydesk/keydesk/ui/cli"
)

// mailPassword is distinctive, so that finding it anywhere is a leak.
const mailPassword = "pw-Zq8vT3-never-shown"

// desk is a database with one Reserved key, ST1, held by Ann Lee.
type desk struct {
	db   string
	code string // ST1's activation code
}

func newDesk(t *testing.T) desk {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	csv := filepath.Join(dir, "keys.csv")
	if err := os.WriteFile(csv, []byte("serial\nST1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, cli.Env{}, "--db", db, "import", "keys", csv)
	stdout := mustRun(t, cli.Env{}, "--db", db, "employee", "add", "--first", "Ann", "--last", "Lee",
		"--email", "ann@example.com", "--key", "ST1")
	code := strings.SplitN(stdout, "\n", 2)[0]
	if len(code) != 6 {
		t.Fatalf("no code in %q", stdout)
	}
	return desk{db: db, code: code}
}

// mustRun runs a command that must succeed and returns its stdout.
func mustRun(t *testing.T, env cli.Env, args ...string) string {
	t.Helper()
	status, stdout, stderr := run(t, env, args...)
	if status != 0 {
		t.Fatalf("keydesk %s: status %d, stderr %q", strings.Join(args, " "), status, stderr)
	}
	return stdout
}

// useServer saves the server's settings through the command line, the
// password (if any) on stdin.
func (d desk) useServer(t *testing.T, s model.SMTPSettings) {
	t.Helper()
	args := []string{"--db", d.db, "settings", "smtp", "--host", s.Host, "--port", strconv.Itoa(s.Port),
		"--tls", string(s.TLS), "--from", s.From}
	env := cli.Env{}
	if s.User != "" {
		args = append(args, "--user", s.User, "--password-stdin")
		env.Stdin = strings.NewReader(s.Password + "\n")
	}
	mustRun(t, env, args...)
}

// codeBlock is what key code prints for ST1.
func (d desk) codeBlock(t *testing.T) string {
	t.Helper()
	return mustRun(t, cli.Env{}, "--db", d.db, "key", "code", "ST1")
}

// lastAudit is the newest audit entry, as export audit writes it.
func (d desk) lastAudit(t *testing.T) map[string]any {
	t.Helper()
	entries := d.audit(t)
	return entries[len(entries)-1]
}

func (d desk) audit(t *testing.T) []map[string]any {
	t.Helper()
	var entries []map[string]any
	if err := json.Unmarshal([]byte(mustRun(t, cli.Env{}, "--db", d.db, "export", "audit")), &entries); err != nil {
		t.Fatal(err)
	}
	return entries
}

// assertNoCodeInAudit looks at every field a person writes or reads; the
// time and the hashes are left out, where six digits can occur by chance.
func (d desk) assertNoCodeInAudit(t *testing.T) {
	t.Helper()
	for _, e := range d.audit(t) {
		for _, field := range []string{"actor", "action", "target", "from_status", "to_status", "reason", "note"} {
			if s, _ := e[field].(string); strings.Contains(s, d.code) {
				t.Errorf("audit entry %v: %s %q holds the activation code", e["seq"], field, s)
			}
		}
	}
}

func TestKeyCodeEmailGoesToTheEmployee(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	srv := smtptest.Start(t, smtptest.Options{})
	d.useServer(t, srv.Settings())
	want := d.codeBlock(t)

	status, stdout, stderr := run(t, cli.Env{}, "--db", d.db, "key", "code", "ST1", "--email")
	if status != 0 || stdout != want || stderr != "code e-mailed to ann@example.com\n" {
		t.Fatalf("got status %d, stdout %q, stderr %q; want 0, %q, the address", status, stdout, stderr, want)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "ann@example.com" {
		t.Fatalf("server got %+v, want one message to ann@example.com", msgs)
	}
	body, err := msgs[0].Part("text/plain")
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{model.GroupCode(d.code), "ST1", "Ann Lee"} {
		if !strings.Contains(body, part) {
			t.Errorf("the e-mail lacks %q:\n%s", part, body)
		}
	}

	last := d.lastAudit(t)
	if last["action"] != "code.emailed" || last["note"] != "sent to ann@example.com" {
		t.Errorf("last audit entry %v, want code.emailed \"sent to ann@example.com\"", last)
	}
	d.assertNoCodeInAudit(t)
}

func TestKeyCodeEmailToAnotherAddress(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	srv := smtptest.Start(t, smtptest.Options{})
	d.useServer(t, srv.Settings())

	status, _, stderr := run(t, cli.Env{}, "--db", d.db, "key", "code", "ST1", "--email", "--to", "desk@example.com")
	if status != 0 || stderr != "code e-mailed to desk@example.com\n" {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "desk@example.com" {
		t.Errorf("server got %+v, want one message to desk@example.com", msgs)
	}
	if last := d.lastAudit(t); last["action"] != "code.emailed" || last["note"] != "sent to desk@example.com" {
		t.Errorf("last audit entry %v", last)
	}
}

// Over STARTTLS with a login: the password works, and is found nowhere an
// admin or an export could see it.
func TestKeyCodeEmailOverSTARTTLSWithLogin(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	srv := smtptest.Start(t, smtptest.Options{TLS: model.TLSStartTLS, User: "keydesk", Password: mailPassword})
	env := cli.Env{MailRootCAs: srv.RootCAs}
	var outputs []string // everything printed that must hold no secret
	check := func(args ...string) string {
		t.Helper()
		status, stdout, stderr := run(t, env, args...)
		if status != 0 {
			t.Fatalf("keydesk %v: status %d, stderr %q", args, status, stderr)
		}
		outputs = append(outputs, stderr)
		return stdout
	}

	env.Stdin = strings.NewReader(mailPassword + "\n")
	outputs = append(outputs, check("--db", d.db, "settings", "smtp", "--host", srv.Host, "--port", strconv.Itoa(srv.Port),
		"--tls", "starttls", "--from", "IT desk <"+smtptest.From+">", "--user", "keydesk", "--password-stdin"))
	env.Stdin = nil
	shown := check("--db", d.db, "settings", "smtp")
	outputs = append(outputs, shown)
	wantShown := fmt.Sprintf("host      127.0.0.1\nport      %d\ntls       starttls\nfrom      IT desk <%s>\nuser      keydesk\npassword  (set)\n",
		srv.Port, smtptest.From)
	if shown != wantShown {
		t.Errorf("settings smtp shows\n%s\nwant\n%s", shown, wantShown)
	}
	outputs = append(outputs, check("--db", d.db, "settings", "smtp", "test", "--to", "admin@example.com"))

	codeOut := check("--db", d.db, "key", "code", "ST1", "--email")
	if !strings.HasPrefix(codeOut, d.code+"\n") || strings.Contains(codeOut, mailPassword) {
		t.Errorf("key code --email printed %q", codeOut)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("server got %d messages, want the test and the code", n)
	}
	for _, format := range []string{"json", "csv"} {
		outputs = append(outputs, check("--db", d.db, "export", "audit", "--format", format))
	}
	for _, what := range []string{"keys", "employees"} {
		outputs = append(outputs, check("--db", d.db, "export", what))
	}
	for _, out := range outputs {
		if strings.Contains(out, mailPassword) || strings.Contains(out, d.code) {
			t.Errorf("a secret was printed: %q", out)
		}
	}
	d.assertNoCodeInAudit(t)
}

func TestKeyCodeEmailFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, d desk) cli.Env
		want  string // %s is the server's host:port
	}{
		{
			name: "unreachable",
			setup: func(t *testing.T, d desk) cli.Env {
				d.useServer(t, model.SMTPSettings{Host: "127.0.0.1", Port: closedPort(t), TLS: model.TLSNone, From: smtptest.From})
				return cli.Env{}
			},
			want: "cannot reach the mail server %s",
		},
		{
			name: "certificate not trusted",
			setup: func(t *testing.T, d desk) cli.Env {
				d.useServer(t, smtptest.Start(t, smtptest.Options{TLS: model.TLSStartTLS}).Settings())
				return cli.Env{} // the system's roots do not know the test server
			},
			want: "the certificate of the mail server %s is not trusted",
		},
		{
			name: "login refused",
			setup: func(t *testing.T, d desk) cli.Env {
				srv := smtptest.Start(t, smtptest.Options{TLS: model.TLSStartTLS, User: "keydesk", Password: "another"})
				s := srv.Settings()
				s.Password = mailPassword
				d.useServer(t, s)
				return cli.Env{MailRootCAs: srv.RootCAs}
			},
			want: "the mail server refused the user name or password",
		},
		{
			name: "recipient refused",
			setup: func(t *testing.T, d desk) cli.Env {
				d.useServer(t, smtptest.Start(t, smtptest.Options{RefuseRecipient: "ann@example.com"}).Settings())
				return cli.Env{}
			},
			want: "the mail server refused the recipient ann@example.com",
		},
		{
			name: "timeout",
			setup: func(t *testing.T, d desk) cli.Env {
				srv := smtptest.StartSilent(t)
				d.useServer(t, model.SMTPSettings{Host: srv.Host, Port: srv.Port, TLS: model.TLSNone, From: smtptest.From})
				return cli.Env{MailTimeout: 200 * time.Millisecond}
			},
			want: "the mail server did not answer within 10 seconds",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDesk(t)
			env := tc.setup(t, d)
			wantCode := d.codeBlock(t)
			settings := mustRun(t, cli.Env{}, "--db", d.db, "settings", "smtp")
			addr := strings.Fields(strings.Split(settings, "\n")[0])[1] + ":" + strings.Fields(strings.Split(settings, "\n")[1])[1]
			want := strings.ReplaceAll(tc.want, "%s", addr)

			status, stdout, stderr := run(t, env, "--db", d.db, "key", "code", "ST1", "--email")
			if status != 1 || stdout != wantCode || stderr != "keydesk: "+want+"\n" {
				t.Errorf("got status %d, stdout %q, stderr %q\nwant 1, the code, %q", status, stdout, stderr, "keydesk: "+want+"\n")
			}
			last := d.lastAudit(t)
			if last["action"] != "code.email_failed" || last["note"] != "to ann@example.com: "+want {
				t.Errorf("last audit entry %v, want code.email_failed %q", last, "to ann@example.com: "+want)
			}
			d.assertNoCodeInAudit(t)
		})
	}
}

func TestKeyCodeEmailWithoutMailServer(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	want := d.codeBlock(t)

	status, stdout, stderr := run(t, cli.Env{}, "--db", d.db, "key", "code", "ST1", "--email")
	wantErr := "keydesk: no mail server is set up: configure one with keydesk settings smtp --host HOST --from ADDRESS\n"
	if status != 1 || stdout != want || stderr != wantErr {
		t.Errorf("got status %d, stdout %q, stderr %q; want 1, the code, %q", status, stdout, stderr, wantErr)
	}
	if last := d.lastAudit(t); last["action"] != "code.email_failed" || last["note"] != "to ann@example.com: no mail server is set up" {
		t.Errorf("last audit entry %v", last)
	}

	status, _, stderr = run(t, cli.Env{}, "--db", d.db, "settings", "smtp", "test", "--to", "admin@example.com")
	if status != 1 || stderr != wantErr {
		t.Errorf("settings smtp test: status %d, stderr %q; want 1, %q", status, stderr, wantErr)
	}
}

func TestSettingsSMTPTest(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	srv := smtptest.Start(t, smtptest.Options{TLS: model.TLSImplicit, RefuseRecipient: "nobody@example.com"})
	d.useServer(t, srv.Settings())
	env := cli.Env{MailRootCAs: srv.RootCAs}

	status, stdout, stderr := run(t, env, "--db", d.db, "settings", "smtp", "test", "--to", "admin@example.com")
	if status != 0 || stdout != "" || stderr != "test message sent to admin@example.com\n" {
		t.Fatalf("got status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "admin@example.com" {
		t.Fatalf("server got %+v", msgs)
	}
	if body, _ := msgs[0].Part("text/plain"); !strings.Contains(body, "test message from keydesk") {
		t.Errorf("test message body:\n%s", body)
	}

	status, _, stderr = run(t, env, "--db", d.db, "settings", "smtp", "test", "--to", "nobody@example.com")
	if want := "keydesk: the mail server refused the recipient nobody@example.com\n"; status != 1 || stderr != want {
		t.Errorf("refused recipient: status %d, stderr %q; want 1, %q", status, stderr, want)
	}
}

// Settings change only where a flag is given; the password comes from
// stdin and is shown only as set or not.
func TestSettingsSMTPPassword(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	smtp := func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		env := cli.Env{}
		if stdin != "" {
			env.Stdin = strings.NewReader(stdin)
		}
		return run(t, env, append([]string{"--db", d.db, "settings", "smtp"}, args...)...)
	}
	passwordLine := func() string {
		t.Helper()
		_, stdout, _ := smtp("")
		lines := strings.Split(stdout, "\n")
		return lines[len(lines)-2]
	}

	if status, _, stderr := smtp(mailPassword+"\n", "--host", "mail.example.com", "--from", "it@example.com", "--password-stdin"); status != 1 ||
		stderr != "keydesk: a password goes with a user name: add --user NAME\n" {
		t.Errorf("password without a user: status %d, stderr %q", status, stderr)
	}
	status, stdout, stderr := smtp(mailPassword+"\r\n", "--host", "mail.example.com", "--from", "it@example.com",
		"--user", "keydesk", "--password-stdin")
	if status != 0 || stderr != "mail server settings saved\n" || !strings.HasSuffix(stdout, "user      keydesk\npassword  (set)\n") {
		t.Fatalf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	st, err := store.Open(d.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := st.SMTPSettings(); got.Password != mailPassword {
		t.Errorf("saved password %q, want %q (the line ending dropped)", got.Password, mailPassword)
	}
	st.Close()

	// Other changes keep the password.
	smtp("", "--port", "2525")
	if got := passwordLine(); got != "password  (set)" {
		t.Errorf("after --port: %q", got)
	}
	for _, c := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"--password-stdin"}, "keydesk: --password-stdin found no password on stdin (to remove the password, use --clear-password)\n"},
		{"x\n", []string{"--password-stdin", "--clear-password"}, "keydesk: --password-stdin and --clear-password go one at a time\n"},
	} {
		status, _, stderr := smtp(c.stdin, c.args...)
		if status != 2 || !strings.HasPrefix(stderr, c.want) {
			t.Errorf("settings smtp %v: status %d, stderr %q; want 2, %q", c.args, status, stderr, c.want)
		}
	}
	smtp("", "--clear-password")
	if got := passwordLine(); got != "password  (not set)" {
		t.Errorf("after --clear-password: %q", got)
	}

	// No user, no password: it would never be used.
	smtp("again\n", "--password-stdin")
	smtp("", "--user", "")
	if got := passwordLine(); got != "password  (not set)" {
		t.Errorf("after clearing the user: %q", got)
	}
}

// closedPort is a port on 127.0.0.1 where nothing listens.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}
