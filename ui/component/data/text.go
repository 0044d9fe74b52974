package data

import (
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/keydesk/keydesk/model"
)

// lowerText collects the lower-case search text of many rows in one
// buffer: one allocation instead of several per row, and no pointers for
// the garbage collector to follow.
type lowerText struct{ buf []byte }

func (t *lowerText) grow(n int) { t.buf = make([]byte, 0, n) }
func (t *lowerText) len() int   { return len(t.buf) }

// String returns the text without copying it: the buffer is never
// written again once its rows point into it.
func (t *lowerText) String() string {
	if len(t.buf) == 0 {
		return ""
	}
	return unsafe.String(&t.buf[0], len(t.buf))
}

// add appends each field lower-cased, each followed by a NUL so that a
// query never matches across two fields.
func (t *lowerText) add(fields ...string) {
	for _, f := range fields {
		start := len(t.buf)
		t.buf = append(t.buf, f...)
		for i := start; i < len(t.buf); i++ {
			c := t.buf[i]
			if c >= utf8.RuneSelf {
				// Not ASCII: let the strings package lower it.
				t.buf = append(t.buf[:start], strings.ToLower(f)...)
				break
			}
			if 'A' <= c && c <= 'Z' {
				t.buf[i] = c + 'a' - 'A'
			}
		}
		t.buf = append(t.buf, 0)
	}
}

// addName appends "first last" as model.Employee.FullName writes it,
// without building the string first.
func (t *lowerText) addName(first, last string) {
	if last == "" {
		t.add(first)
		return
	}
	if first == "" {
		t.add(last)
		return
	}
	t.add(first)
	t.buf[len(t.buf)-1] = ' ' // the NUL after the first name
	t.add(last)
}

// addMACDigits appends a MAC without its separators, as people read it
// off a box ("d07e00000001").
func (t *lowerText) addMACDigits(mac string) {
	for i := 0; i < len(mac); i++ {
		switch c := mac[i]; {
		case c == ':' || c == '-' || c == '.':
		case 'A' <= c && c <= 'Z':
			t.buf = append(t.buf, c+'a'-'A')
		default:
			t.buf = append(t.buf, c)
		}
	}
	t.buf = append(t.buf, 0)
}

// addDigits appends only the digits of a phone number ("15550100" for
// "+1 555 0100"): NormalizeQuery turns a phone typed with spaces or
// signs into the same.
func (t *lowerText) addDigits(phone string) {
	for i := 0; i < len(phone); i++ {
		if c := phone[i]; '0' <= c && c <= '9' {
			t.buf = append(t.buf, c)
		}
	}
	t.buf = append(t.buf, 0)
}

// The search text of a key: serial, MAC, MAC digits, RFID, then the
// holder's name and e-mail (keyFields names them in that order).
var keyFields = []string{"serial", "MAC", "MAC", "RFID", "holder", "e-mail"}

func keyTextSize(k *model.Key, holder *model.Employee) int {
	n := len(k.Serial) + 2*len(k.MAC) + len(k.RFID) + 4
	if holder != nil {
		n += len(holder.FirstName) + len(holder.LastName) + len(holder.Email) + 3
	}
	return n
}

// addKey appends a key's text and returns where its holder's part
// begins (the key list sorts by it).
func (t *lowerText) addKey(k *model.Key, holder *model.Employee) int {
	t.add(k.Serial, k.MAC)
	t.addMACDigits(k.MAC)
	t.add(k.RFID)
	at := t.len()
	if holder != nil {
		t.addName(holder.FirstName, holder.LastName)
		t.add(holder.Email)
	}
	return at
}

// The search text of an employee: name, e-mail, department, position,
// phone digits, key serial.
var employeeFields = []string{"name", "e-mail", "department", "position", "phone", "key"}

func employeeTextSize(e *model.Employee, key *model.Key) int {
	n := len(e.FirstName) + len(e.LastName) + len(e.Email) + len(e.Department) + len(e.Position) + len(e.Phone) + 6
	if key != nil {
		n += len(key.Serial) + 1
	}
	return n
}

// addEmployee appends an employee's text and returns where its name
// ends (the employee list sorts by the name).
func (t *lowerText) addEmployee(e *model.Employee, key *model.Key) int {
	t.addName(e.FirstName, e.LastName)
	name := t.len() - 1 // without its NUL
	t.add(e.Email, e.Department, e.Position)
	t.addDigits(e.Phone)
	if key != nil {
		t.add(key.Serial)
	}
	return name
}
