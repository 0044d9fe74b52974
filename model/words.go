package model

import "strings"

// The words a person reads on a screen and can say to a caller. The
// identifiers (Reason.String, Action) stay what exports, the command
// line and the audit chain write; the screens say these instead, and
// they are written here once.

var reasonWords = [...]string{
	NoReason:              "",
	InvalidActivationCode: "3 wrong activation codes",
	LockedByInvalidPin:    "PIN entered wrong too many times",
	Withdrawal:            "taken back",
	Broken:                "broken",
	Lost:                  "lost",
	Stolen:                "stolen",
	ReportedLost:          "reported lost, waits for an admin",
}

// Words is the reason as said to a person: "PIN entered wrong too many
// times". Empty for none.
func (r Reason) Words() string {
	if int(r) < len(reasonWords) {
		return reasonWords[r]
	}
	return r.String()
}

// StatusWords is a status with its reason as said to a person:
// "Locked: PIN entered wrong too many times", "Active".
func StatusWords(s Status, r Reason) string {
	if w := r.Words(); w != "" && s != 0 {
		return s.String() + ": " + w
	}
	return s.String()
}

var actionWords = map[Action]string{
	ActionKeyImported:       "key imported",
	ActionKeyAssigned:       "key assigned",
	ActionKeyActivated:      "key activated",
	ActionKeyLockedByCode:   "locked: codes",
	ActionKeyPinLocked:      "locked: PIN",
	ActionKeySuspended:      "key suspended",
	ActionKeyUnlocked:       "key unlocked",
	ActionKeyRemoved:        "key removed",
	ActionKeyWiped:          "key wiped",
	ActionKeyCompromised:    "key compromised",
	ActionKeyReportedLost:   "reported lost",
	ActionCodeReissued:      "new code issued",
	ActionCodeRejected:      "wrong code entered",
	ActionCodeExpired:       "expired code entered",
	ActionCodeRefused:       "code entry refused",
	ActionCodeShown:         "code shown",
	ActionCodeEmailed:       "code e-mailed",
	ActionCodeEmailFailed:   "code e-mail failed",
	ActionEmployeeCreated:   "employee created",
	ActionEmployeeEdited:    "employee edited",
	ActionEmployeeDeleted:   "employee deleted",
	ActionSettingsChanged:   "mail settings changed",
	ActionAdminAdded:        "admin added",
	ActionAdminRole:         "admin's role changed",
	ActionAdminRemoved:      "admin removed",
	ActionAccessRefused:     "refused: role",
	ActionBackupMade:        "backup made",
	ActionBackupFailed:      "backup failed",
	ActionProfileAdded:      "profile added",
	ActionProfileEdited:     "profile edited",
	ActionProfileDeleted:    "profile deleted",
	ActionKeyProfile:        "profile changed",
	ActionKeyProfileApplied: "profile applied",
	ActionKeyLicence:        "licence changed",
	ActionKeyRFID:           "RFID changed",
}

// Words is the action as said to a person: "employee created". An
// action this keydesk does not know (a newer one) reads as its
// identifier with the dots and underscores as spaces.
func (a Action) Words() string {
	if w, ok := actionWords[a]; ok {
		return w
	}
	return strings.NewReplacer(".", " ", "_", " ").Replace(string(a))
}

// ActionWordsKnown reports whether a has words of its own, for the test
// that every action the store writes has them.
func ActionWordsKnown(a Action) bool { _, ok := actionWords[a]; return ok }
