package common

import (
	"fmt"

	"github.com/keydesk/keydesk/model"
)

// PINWords sums up a profile's PIN rule for a table cell: "6-8 digits",
// or "none" when it asks for no PIN.
func PINWords(p model.Profile) string {
	if !p.RequirePIN {
		return "none"
	}
	return fmt.Sprintf("%d-%d digits", p.PINMinLength, p.PINMaxLength)
}

// ExpiryWords is a PIN expiry: "never", or "90 days".
func ExpiryWords(days int) string {
	if days == 0 {
		return "never"
	}
	return fmt.Sprintf("%d days", days)
}
