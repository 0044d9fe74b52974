package cli

import (
	"fmt"
	"io"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
)

// printCode shows an activation code for scripts and for reading aloud:
// the digits alone on the first line (code=$(keydesk key code X | head -1)),
// then labelled lines for the person reading it over the phone.
func printCode(w io.Writer, v store.CodeView) error {
	_, err := fmt.Fprintf(w, "%s\nkey %s\n", v.Digits, model.Printable(v.Serial))
	if err != nil {
		return err
	}
	if v.Email != "" {
		fmt.Fprintf(w, "employee %s <%s>\n", model.Printable(v.Employee), model.Printable(v.Email))
	}
	_, err = fmt.Fprintf(w, "expires %s\nread as %s: %s\n",
		v.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"), model.GroupCode(v.Digits), model.SpellCode(v.Digits))
	return err
}

// statusLine says where a key is now: "key X is now Deactivated (Broken)".
func statusLine(k model.Key) string {
	line := fmt.Sprintf("key %s is now %s", model.Printable(k.Serial), k.Status)
	if k.Reason != model.NoReason {
		line += fmt.Sprintf(" (%s)", k.Reason)
	}
	return line
}

// employeeLine names an employee the way screens do.
func employeeLine(e model.Employee) string {
	return fmt.Sprintf("%s <%s>", model.Printable(e.FullName()), model.Printable(e.Email))
}
