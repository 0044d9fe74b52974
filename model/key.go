package model

import (
	"fmt"
	"strings"
	"time"
)

// Key is one IPI Key (a "hardware vault" in the vendor's server).
type Key struct {
	ID         uint64
	Serial     string
	MAC        string
	Model      string
	Firmware   string
	RFID       string
	Status     Status
	Reason     Reason
	Note       string
	EmployeeID uint64 // 0 when tied to nobody
	// LastHolderID is the employee who held the key before it was last
	// taken back (withdrawn, removed as broken, compromised); it stays
	// through a wipe, so a returned or lost key still names its holder.
	LastHolderID uint64
	// ProfileID is the key's access profile; AppliedProfileID the one the
	// device last reported it enforces. They differ while a change waits
	// for the key's next connection (see ChangeKeyProfile).
	ProfileID        uint64
	AppliedProfileID uint64
	// LicenceUntil is the day the licence ends (UTC midnight; from that
	// day on it is expired), zero for no licence. Its status is derived,
	// never stored (LicenceStatusOf).
	LicenceUntil time.Time
	ImportedAt   time.Time
	UpdatedAt    time.Time
	// Rev grows with every write so that an action decided on an old view
	// of the key can be refused instead of applied to changed data.
	Rev uint64
	// Code is set only while the key is Reserved or Suspended. The store
	// keeps it apart from the key so that lists and exports never hold it.
	Code *ActivationCode
}

// KeyInput is a key as it arrives from an import file.
type KeyInput struct {
	Serial, MAC, Model, Firmware, RFID string
}

const (
	maxSerial = 64
	maxRFID   = 32
	maxModel  = 64
	maxNote   = 500
)

// NormalizeKey checks an imported key and puts its fields in their stored
// form: serials and RFIDs upper case, MAC as AA:BB:CC:DD:EE:FF.
func NormalizeKey(in KeyInput) (KeyInput, error) {
	var out KeyInput
	var err error
	if out.Serial, err = NormalizeSerial(in.Serial); err != nil {
		return out, err
	}
	if out.MAC, err = NormalizeMAC(in.MAC); err != nil {
		return out, err
	}
	if out.Model, err = checkText("model", in.Model, maxModel, false); err != nil {
		return out, err
	}
	if out.Firmware, err = checkText("firmware", in.Firmware, maxModel, false); err != nil {
		return out, err
	}
	if out.RFID, err = NormalizeRFID(in.RFID); err != nil {
		return out, err
	}
	return out, nil
}

// NormalizeRFID checks an RFID tag number: upper case, letters, digits,
// '-' and '_'; "" for none.
func NormalizeRFID(rfid string) (string, error) {
	return normalizeCode("RFID", rfid, maxRFID, false)
}

// NormalizeSerial checks a serial number typed or imported by an admin.
func NormalizeSerial(serial string) (string, error) {
	return normalizeCode("serial", serial, maxSerial, true)
}

// normalizeCode checks a number written on a key (what names it): upper
// case, letters, digits, '-' and '_'.
func normalizeCode(what, text string, max int, required bool) (string, error) {
	s, err := checkText(what, text, max, required)
	if err != nil {
		return "", err
	}
	s = strings.ToUpper(s)
	if !isCode(s) {
		return "", fmt.Errorf("%s %q may hold only letters, digits, '-' and '_'", what, s)
	}
	return s, nil
}

// NormalizeNote checks the free text that may go with a status change.
func NormalizeNote(note string) (string, error) {
	return checkText("note", note, maxNote, false)
}

func isCode(s string) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// NormalizeMAC checks a MAC address; "" for none.
func NormalizeMAC(mac string) (string, error) {
	if canonicalMAC(mac) {
		return mac, nil
	}
	mac = strings.TrimSpace(mac)
	if mac == "" {
		return "", nil
	}
	hex := strings.Map(func(r rune) rune {
		if r == ':' || r == '-' || r == '.' {
			return -1
		}
		return r
	}, strings.ToUpper(mac))
	if len(hex) != 12 {
		return "", fmt.Errorf("MAC address %q is not 6 bytes like AA:BB:CC:DD:EE:FF", Printable(mac))
	}
	var b strings.Builder
	for i, r := range hex {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'F') {
			return "", fmt.Errorf("MAC address %q is not 6 bytes like AA:BB:CC:DD:EE:FF", Printable(mac))
		}
		if i > 0 && i%2 == 0 {
			b.WriteByte(':')
		}
		b.WriteRune(r)
	}
	return b.String(), nil
}

// Clone copies the key so that a transition never shares its code with
// the caller's value.
func (k Key) Clone() Key {
	if k.Code != nil {
		c := *k.Code
		k.Code = &c
	}
	return k
}

// canonicalMAC reports a MAC address already as it is stored.
func canonicalMAC(mac string) bool {
	if len(mac) != 17 {
		return false
	}
	for i := 0; i < len(mac); i++ {
		c := mac[i]
		if i%3 == 2 {
			if c != ':' {
				return false
			}
		} else if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
