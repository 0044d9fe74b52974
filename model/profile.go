package model

import (
	"fmt"
	"strings"
	"time"
)

// Profile is an access profile: the PIN policy a key enforces, carried to
// the key when it next connects (SPEC 10, the vendor's "hardware vault
// profile").
type Profile struct {
	ID   uint64
	Name string
	ProfileRules
	CreatedAt time.Time
	UpdatedAt time.Time
	Rev       uint64
}

// ProfileRules are the settings of a profile, without its name.
type ProfileRules struct {
	RequirePIN           bool
	PINExpiryDays        int // 0: the PIN never expires
	PINMinLength         int
	PINMaxLength         int
	WrongPINLimit        int // wrong PIN entries before the key locks
	RequireButton        bool
	RequireServerConfirm bool
}

// The bounds of a profile's numbers.
const (
	MinPINLength     = 4
	MaxPINLength     = 16
	MinWrongPINLimit = 3
	MaxWrongPINLimit = 10
	// MaxPINExpiryDays is ten years: a longer expiry is a typo for 0
	// (never) or for fewer days.
	MaxPINExpiryDays = 3650
	maxProfileName   = 40
)

// DefaultProfileName is the profile every key starts with. It always
// exists, and can be neither deleted nor renamed.
const DefaultProfileName = "Default"

// DefaultProfileID is the Default profile's id: it is the first profile
// of every database.
const DefaultProfileID = 1

// DefaultRules are the Default profile's settings: nothing required,
// the widest PIN lengths, the most wrong PINs.
var DefaultRules = ProfileRules{
	PINMinLength:  MinPINLength,
	PINMaxLength:  MaxPINLength,
	WrongPINLimit: MaxWrongPINLimit,
}

// IsDefault reports whether p is the Default profile.
func (p Profile) IsDefault() bool { return p.ID == DefaultProfileID }

// NormalizeProfileName checks a profile's name: required, trimmed, of
// printable characters, at most 40 of them.
func NormalizeProfileName(name string) (string, error) {
	return checkText("profile name", name, maxProfileName, true)
}

// ProfileNameKey is the case-insensitive form of a name, which must be
// unique: "Strict" and "strict" are one profile.
func ProfileNameKey(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}

// Validate checks the rules' numbers against their bounds.
func (r ProfileRules) Validate() error {
	switch {
	case r.PINMinLength < MinPINLength || r.PINMinLength > MaxPINLength:
		return fmt.Errorf("the shortest PIN must be %d to %d digits long, not %d", MinPINLength, MaxPINLength, r.PINMinLength)
	case r.PINMaxLength < MinPINLength || r.PINMaxLength > MaxPINLength:
		return fmt.Errorf("the longest PIN must be %d to %d digits long, not %d", MinPINLength, MaxPINLength, r.PINMaxLength)
	case r.PINMinLength > r.PINMaxLength:
		return fmt.Errorf("the shortest PIN (%d) is longer than the longest (%d)", r.PINMinLength, r.PINMaxLength)
	case r.WrongPINLimit < MinWrongPINLimit || r.WrongPINLimit > MaxWrongPINLimit:
		return fmt.Errorf("wrong PIN entries before the key locks must be %d to %d, not %d", MinWrongPINLimit, MaxWrongPINLimit, r.WrongPINLimit)
	case r.PINExpiryDays < 0 || r.PINExpiryDays > MaxPINExpiryDays:
		return fmt.Errorf("the PIN expiry must be 0 (never) to %d days, not %d", MaxPINExpiryDays, r.PINExpiryDays)
	}
	return nil
}

// NewProfile checks a new profile: its name, and its rules.
func NewProfile(name string, rules ProfileRules) (Profile, error) {
	n, err := NormalizeProfileName(name)
	if err != nil {
		return Profile{}, refuse("%s", err)
	}
	if err := rules.Validate(); err != nil {
		return Profile{}, refuse("%s", err)
	}
	return Profile{Name: n, ProfileRules: rules}, nil
}

// EditProfile applies a change to a stored profile: the Default profile
// keeps its name. An edit that changes nothing is refused, so that the
// trail records only changes.
func EditProfile(old Profile, name string, rules ProfileRules) (Profile, error) {
	p, err := NewProfile(name, rules)
	if err != nil {
		return Profile{}, err
	}
	if old.IsDefault() && p.Name != old.Name {
		return Profile{}, refuse("the %s profile cannot be renamed: every key starts with it", DefaultProfileName)
	}
	next := old
	next.Name, next.ProfileRules = p.Name, p.ProfileRules
	if next.Name == old.Name && next.ProfileRules == old.ProfileRules {
		return Profile{}, refuse("nothing to change in profile %s", old.Name)
	}
	return next, nil
}

// CanDeleteProfile refuses to delete the Default profile, or one that
// keys still use (keys says how many).
func CanDeleteProfile(p Profile, keys int) error {
	switch {
	case p.IsDefault():
		return refuse("the %s profile cannot be deleted: every key starts with it", DefaultProfileName)
	case keys > 0:
		return refuse("profile %s is used by %d %s: give %s another profile first", p.Name, keys,
			plural(keys, "key", "keys"), plural(keys, "it", "them"))
	}
	return nil
}

// Requires names what the rules ask of the key's holder, in this order:
// "PIN", "button", "server confirmation"; none when nothing is asked.
func (r ProfileRules) Requires() []string {
	var on []string
	for _, f := range []struct {
		set  bool
		name string
	}{{r.RequirePIN, "PIN"}, {r.RequireButton, "button"}, {r.RequireServerConfirm, "server confirmation"}} {
		if f.set {
			on = append(on, f.name)
		}
	}
	return on
}

// ChangedRules names what an edit changed, for the audit note.
func ChangedRules(old, p Profile) string {
	var parts []string
	if old.Name != p.Name {
		parts = append(parts, fmt.Sprintf("name (was %s)", old.Name))
	}
	a, b := old.ProfileRules, p.ProfileRules
	yesNo := func(v bool) string {
		if v {
			return "on"
		}
		return "off"
	}
	if a.RequirePIN != b.RequirePIN {
		parts = append(parts, "require PIN "+yesNo(b.RequirePIN))
	}
	if a.PINExpiryDays != b.PINExpiryDays {
		parts = append(parts, fmt.Sprintf("PIN expiry %d days", b.PINExpiryDays))
	}
	if a.PINMinLength != b.PINMinLength || a.PINMaxLength != b.PINMaxLength {
		parts = append(parts, fmt.Sprintf("PIN length %d-%d", b.PINMinLength, b.PINMaxLength))
	}
	if a.WrongPINLimit != b.WrongPINLimit {
		parts = append(parts, fmt.Sprintf("wrong PINs %d", b.WrongPINLimit))
	}
	if a.RequireButton != b.RequireButton {
		parts = append(parts, "require button "+yesNo(b.RequireButton))
	}
	if a.RequireServerConfirm != b.RequireServerConfirm {
		parts = append(parts, "require server confirmation "+yesNo(b.RequireServerConfirm))
	}
	return "changed: " + strings.Join(parts, ", ")
}
