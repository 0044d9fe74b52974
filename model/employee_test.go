package model_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

func tValidEmployee() model.EmployeeInput {
	return model.EmployeeInput{
		FirstName: "Jane", LastName: "Doe", Email: "jane.doe@example.com",
		Phone: "+33 (0)1 23-45.67", Department: "IT", Position: "Helpdesk", Company: "Acme Ltd",
	}
}

func TestNormalizeEmployeeValid(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   model.EmployeeInput
		want model.EmployeeInput
	}{
		{"as typed", tValidEmployee(), tValidEmployee()},
		{
			"trimmed and e-mail lower-cased",
			model.EmployeeInput{FirstName: "  Jane ", LastName: "\tDoe\n", Email: "  Jane.Doe@Example.COM ", Phone: " 0123 ", Department: " IT ", Position: " Lead ", Company: " Acme "},
			model.EmployeeInput{FirstName: "Jane", LastName: "Doe", Email: "jane.doe@example.com", Phone: "0123", Department: "IT", Position: "Lead", Company: "Acme"},
		},
		{
			"only the required fields",
			model.EmployeeInput{FirstName: "Jane", Email: "j@x.org"},
			model.EmployeeInput{FirstName: "Jane", Email: "j@x.org"},
		},
		{
			"names keep their case and accents",
			model.EmployeeInput{FirstName: "Zoë", LastName: "Ñúñez-O'Brien", Email: "zoe@x.org"},
			model.EmployeeInput{FirstName: "Zoë", LastName: "Ñúñez-O'Brien", Email: "zoe@x.org"},
		},
		{
			"CJK",
			model.EmployeeInput{FirstName: "太郎", LastName: "山田", Email: "yamada@example.jp", Department: "営業部"},
			model.EmployeeInput{FirstName: "太郎", LastName: "山田", Email: "yamada@example.jp", Department: "営業部"},
		},
		{
			"inner spaces kept",
			model.EmployeeInput{FirstName: "Mary Ann", LastName: "van der Berg", Email: "m@x.org", Position: "Head of  IT"},
			model.EmployeeInput{FirstName: "Mary Ann", LastName: "van der Berg", Email: "m@x.org", Position: "Head of  IT"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := model.NormalizeEmployee(tc.in)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestNormalizeEmployeeRefusals(t *testing.T) {
	type edit func(*model.EmployeeInput)
	for _, tc := range []struct {
		name      string
		edit      edit
		wantField string
		wantIn    string
	}{
		{"no first name", func(e *model.EmployeeInput) { e.FirstName = "" }, "first_name", "first name is required"},
		{"blank first name", func(e *model.EmployeeInput) { e.FirstName = " \t " }, "first_name", "first name is required"},
		{"no e-mail", func(e *model.EmployeeInput) { e.Email = "" }, "email", "e-mail is required"},
		{"blank e-mail", func(e *model.EmployeeInput) { e.Email = "   " }, "email", "e-mail is required"},

		{"first name too long", func(e *model.EmployeeInput) { e.FirstName = strings.Repeat("a", 65) }, "first_name", "too long"},
		{"last name too long", func(e *model.EmployeeInput) { e.LastName = strings.Repeat("é", 65) }, "last_name", "too long"},
		{"e-mail too long", func(e *model.EmployeeInput) { e.Email = strings.Repeat("a", 255-len("@example.com")) + "@example.com" }, "email", "too long"},
		{"phone too long", func(e *model.EmployeeInput) { e.Phone = strings.Repeat("1", 33) }, "phone", "too long"},
		{"department too long", func(e *model.EmployeeInput) { e.Department = strings.Repeat("d", 81) }, "department", "too long"},
		{"position too long", func(e *model.EmployeeInput) { e.Position = strings.Repeat("山", 81) }, "position", "too long"},
		{"company too long", func(e *model.EmployeeInput) { e.Company = strings.Repeat("c", 81) }, "company", "too long"},
		{"ESC in company", func(e *model.EmployeeInput) { e.Company = "Acme\x1b[2J" }, "company", "control characters"},

		{"ESC in first name", func(e *model.EmployeeInput) { e.FirstName = "Jane\x1b[2J" }, "first_name", "control characters"},
		{"OSC 52 in last name", func(e *model.EmployeeInput) { e.LastName = "Doe\x1b]52;c;aGk=\x07" }, "last_name", "control characters"},
		{"newline in last name", func(e *model.EmployeeInput) { e.LastName = "Do\ne" }, "last_name", "control characters"},
		{"tab in department", func(e *model.EmployeeInput) { e.Department = "I\tT" }, "department", "control characters"},
		{"C1 in position", func(e *model.EmployeeInput) { e.Position = "Lead\u009b2J" }, "position", "control characters"},
		{"DEL in phone", func(e *model.EmployeeInput) { e.Phone = "01\x7f23" }, "phone", "control characters"},
		{"bidi override in first name", func(e *model.EmployeeInput) { e.FirstName = "Jane\u202eeoD" }, "first_name", "control characters"},
		{"bidi isolate in department", func(e *model.EmployeeInput) { e.Department = "\u2066IT\u2069" }, "department", "control characters"},
		{"NUL in e-mail", func(e *model.EmployeeInput) { e.Email = "jane\x00@example.com" }, "email", "control characters"},
		{"ESC in e-mail", func(e *model.EmployeeInput) { e.Email = "jane\x1b@example.com" }, "email", "control characters"},
		{"invalid UTF-8 in first name", func(e *model.EmployeeInput) { e.FirstName = "J\xffne" }, "first_name", "not valid text"},

		{"display name", func(e *model.EmployeeInput) { e.Email = "Jane <j@x.org>" }, "email", "not a valid address"},
		{"angle brackets", func(e *model.EmployeeInput) { e.Email = "<j@x.org>" }, "email", "not a valid address"},
		{"quoted display name", func(e *model.EmployeeInput) { e.Email = `"Jane Doe" <j@x.org>` }, "email", "not a valid address"},
		{"no at", func(e *model.EmployeeInput) { e.Email = "jane.example.com" }, "email", "not a valid address"},
		{"no local part", func(e *model.EmployeeInput) { e.Email = "@example.com" }, "email", "not a valid address"},
		{"no domain", func(e *model.EmployeeInput) { e.Email = "jane@" }, "email", "not a valid address"},
		{"dotless domain", func(e *model.EmployeeInput) { e.Email = "jane@localhost" }, "email", "not a valid address"},
		{"two ats", func(e *model.EmployeeInput) { e.Email = "jane@@example.com" }, "email", "not a valid address"},
		{"space inside", func(e *model.EmployeeInput) { e.Email = "jane doe@example.com" }, "email", "not a valid address"},
		{"two addresses", func(e *model.EmployeeInput) { e.Email = "a@x.org, b@x.org" }, "email", "not a valid address"},
		{"trailing comment", func(e *model.EmployeeInput) { e.Email = "j@x.org (Jane)" }, "email", "not a valid address"},

		{"letters in phone", func(e *model.EmployeeInput) { e.Phone = "555-CALL-NOW" }, "phone", "phone may hold only digits"},
		{"slash in phone", func(e *model.EmployeeInput) { e.Phone = "01/23/45" }, "phone", "phone may hold only digits"},
		{"extension mark in phone", func(e *model.EmployeeInput) { e.Phone = "0123 #45" }, "phone", "phone may hold only digits"},
		{"fullwidth digits in phone", func(e *model.EmployeeInput) { e.Phone = "０１２３" }, "phone", "phone may hold only digits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tValidEmployee()
			tc.edit(&in)
			_, err := model.NormalizeEmployee(in)
			if err == nil {
				t.Fatalf("accepted %+v", in)
			}
			var fe *model.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %q is not a *FieldError", err, err)
			}
			if fe.Field != tc.wantField {
				t.Errorf("Field = %q, want %q (%s)", fe.Field, tc.wantField, fe.Msg)
			}
			if !strings.Contains(err.Error(), tc.wantIn) {
				t.Errorf("message %q does not contain %q", err, tc.wantIn)
			}
			if err.Error() != fe.Msg {
				t.Errorf("Error() %q differs from Msg %q", err.Error(), fe.Msg)
			}
			for _, r := range err.Error() {
				if tUnsafeOnTerminal(r) {
					t.Errorf("message %q echoes %U", err, r)
				}
			}
		})
	}
}

func TestNormalizeEmployeeLengthLimits(t *testing.T) {
	at := func(n int) string { return strings.Repeat("a", n-len("@example.com")) + "@example.com" }
	for _, tc := range []struct {
		name string
		edit func(*model.EmployeeInput)
	}{
		{"first name 64", func(e *model.EmployeeInput) { e.FirstName = strings.Repeat("é", 64) }},
		{"last name 64", func(e *model.EmployeeInput) { e.LastName = strings.Repeat("山", 64) }},
		{"e-mail 254", func(e *model.EmployeeInput) { e.Email = at(254) }},
		{"phone 32", func(e *model.EmployeeInput) { e.Phone = strings.Repeat("1", 32) }},
		{"department 80", func(e *model.EmployeeInput) { e.Department = strings.Repeat("d", 80) }},
		{"position 80", func(e *model.EmployeeInput) { e.Position = strings.Repeat("p", 80) }},
		{"company 80", func(e *model.EmployeeInput) { e.Company = strings.Repeat("c", 80) }},
		{"padding does not count", func(e *model.EmployeeInput) { e.FirstName = "   " + strings.Repeat("a", 64) + "   " }},
	} {
		in := tValidEmployee()
		tc.edit(&in)
		if _, err := model.NormalizeEmployee(in); err != nil {
			t.Errorf("%s: refused: %v", tc.name, err)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"jane@example.com", "jane@example.com", true},
		{"Jane.Doe@Example.COM", "jane.doe@example.com", true},
		{"  jane@example.com\t", "jane@example.com", true},
		{"jane+keys@mail.example.co.uk", "jane+keys@mail.example.co.uk", true},
		{"j_d-1@x.org", "j_d-1@x.org", true},
		{"Jane <j@x.org>", "", false},
		{"<j@x.org>", "", false},
		{"j@x", "", false},
		{"j", "", false},
		{"", "", false},
		{"j@x.org>", "", false},
		{"j@x..org", "", false},
	} {
		got, err := model.NormalizeEmail(tc.in)
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	// The refusal shows the input, made safe for a terminal.
	_, err := model.NormalizeEmail("a\x1b[2J@x.org")
	if err == nil || strings.ContainsRune(err.Error(), 0x1b) {
		t.Errorf("err = %q", err)
	}
}

func TestNameKey(t *testing.T) {
	same := [][2][2]string{
		{{"Jane", "Doe"}, {"jane", "doe"}},
		{{"Jane", "Doe"}, {" JANE ", "DOE\t"}},
		{{"Zoë", "Ñúñez"}, {"ZOË", "ÑÚÑEZ"}},
		{{"Jane", ""}, {"jane", "  "}},
	}
	for _, p := range same {
		a, b := model.NameKey(p[0][0], p[0][1]), model.NameKey(p[1][0], p[1][1])
		if a != b {
			t.Errorf("NameKey%q = %q, NameKey%q = %q; want equal", p[0], a, p[1], b)
		}
	}
	different := [][2][2]string{
		{{"Jane", "Doe"}, {"Jane", "Dow"}},
		{{"Jane", "Doe"}, {"Jan", "eDoe"}},
		{{"Jane Doe", ""}, {"Jane", "Doe"}},
		{{"", "Jane"}, {"Jane", ""}},
	}
	for _, p := range different {
		a, b := model.NameKey(p[0][0], p[0][1]), model.NameKey(p[1][0], p[1][1])
		if a == b {
			t.Errorf("NameKey%q == NameKey%q = %q; want different", p[0], p[1], a)
		}
	}
}

func TestFullName(t *testing.T) {
	for _, tc := range []struct {
		first, last, want string
	}{
		{"Jane", "Doe", "Jane Doe"},
		{"Jane", "", "Jane"},
		{"", "Doe", "Doe"},
		{"Mary Ann", "van der Berg", "Mary Ann van der Berg"},
	} {
		if got := (model.Employee{FirstName: tc.first, LastName: tc.last}).FullName(); got != tc.want {
			t.Errorf("FullName(%q, %q) = %q, want %q", tc.first, tc.last, got, tc.want)
		}
	}
}

func TestPastedSpacesAndInvisibleCharacters(t *testing.T) {
	in := model.EmployeeInput{FirstName: "Mary\u00a0Ann", Email: "mary@example.com"}
	got, err := model.NormalizeEmployee(in)
	if err != nil || got.FirstName != "Mary Ann" {
		t.Errorf("a no-break space: %q, %v; want \"Mary Ann\"", got.FirstName, err)
	}
	for _, name := range []string{"Ob\u200brien", "Ob\u00adrien", "\ufeffObrien"} {
		_, err := model.NormalizeEmployee(model.EmployeeInput{FirstName: name, Email: "o@example.com"})
		var fe *model.FieldError
		if !errors.As(err, &fe) || fe.Field != "first_name" || !strings.Contains(fe.Msg, "invisible") {
			t.Errorf("%q: %v, want a first_name error about invisible characters", name, err)
		}
	}
}
