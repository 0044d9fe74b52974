package model

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// Employee is a person who may hold one key.
type Employee struct {
	ID         uint64
	FirstName  string
	LastName   string
	Email      string
	Phone      string
	Department string
	Position   string
	Company    string
	KeyID      uint64 // 0 when the employee holds no key
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Rev        uint64
	// ExternalID is the person's stable id in the directory (an entry's
	// UUID, objectGUID or employee number), "" when they were typed in.
	// It lets a changed e-mail or name be a mover, not a leaver and a
	// joiner.
	ExternalID string
	// LeftAt is when the employee left (zero while active), LeftReason
	// why; see employee_lifecycle.go.
	LeftAt     time.Time
	LeftReason string
}

// FullName is the name shown on screens and read over the phone.
func (e Employee) FullName() string {
	return strings.TrimSpace(e.FirstName + " " + e.LastName)
}

// EmployeeInput is an employee as an admin types or imports it.
type EmployeeInput struct {
	FirstName, LastName, Email, Phone, Department, Position, Company string
	// ExternalID is the directory's id for the person ("" for none); an
	// edit keeps the stored one when it is "".
	ExternalID string
}

// FieldError names the field that is wrong, so a form can show the message
// beside it.
type FieldError struct {
	Field string // "first_name", "email", ...
	Msg   string
}

func (e *FieldError) Error() string { return e.Msg }

const (
	maxName  = 64
	maxEmail = 254
	maxPhone = 32
	maxOrg   = 80
)

// NormalizeEmployee checks every field and returns them trimmed, e-mail in
// lower case. The first problem found is returned as a *FieldError.
func NormalizeEmployee(in EmployeeInput) (EmployeeInput, error) {
	var out EmployeeInput
	var err error
	field := func(name, label, value string, max int, required bool) string {
		if err != nil {
			return ""
		}
		v, e := checkText(label, value, max, required)
		if e != nil {
			err = &FieldError{Field: name, Msg: e.Error()}
		}
		return v
	}
	out.FirstName = field("first_name", "first name", in.FirstName, maxName, true)
	out.LastName = field("last_name", "last name", in.LastName, maxName, false)
	out.Email = field("email", "e-mail", in.Email, maxEmail, true)
	out.Phone = field("phone", "phone", in.Phone, maxPhone, false)
	out.Department = field("department", "department", in.Department, maxOrg, false)
	out.Position = field("position", "position", in.Position, maxOrg, false)
	out.Company = field("company", "company", in.Company, maxOrg, false)
	out.ExternalID = field("external_id", "external id", in.ExternalID, maxExternalID, false)
	if err != nil {
		return out, err
	}
	if out.Email, err = NormalizeEmail(out.Email); err != nil {
		return out, &FieldError{Field: "email", Msg: err.Error()}
	}
	if !validPhone(out.Phone) {
		return out, &FieldError{Field: "phone", Msg: "phone may hold only digits, spaces and + - ( ) ."}
	}
	return out, nil
}

// NormalizeEmail accepts a bare address (no display name) and lower-cases it.
func NormalizeEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email {
		return "", fmt.Errorf("e-mail %q is not a valid address like name@example.com", Printable(email))
	}
	at := strings.LastIndexByte(email, '@')
	if at < 1 || !strings.Contains(email[at+1:], ".") {
		return "", fmt.Errorf("e-mail %q is not a valid address like name@example.com", Printable(email))
	}
	return strings.ToLower(email), nil
}

func validPhone(p string) bool {
	for _, r := range p {
		if !(r >= '0' && r <= '9' || strings.ContainsRune(" +-().", r)) {
			return false
		}
	}
	return true
}

// NameKey is the case-insensitive form of the first + last name pair that
// must be unique.
func NameKey(first, last string) string {
	return strings.ToLower(strings.TrimSpace(first)) + "\x00" + strings.ToLower(strings.TrimSpace(last))
}
