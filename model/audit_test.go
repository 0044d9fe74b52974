package model_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

func tAuditEntry() model.AuditEntry {
	return model.AuditEntry{
		Seq:        12,
		Time:       tNow,
		Actor:      model.LocalAdmin("alice").String(),
		Action:     model.ActionKeyAssigned,
		Target:     "key ABC123",
		From:       model.Ready,
		To:         model.Reserved,
		Reason:     model.NoReason,
		Note:       "first key",
		PrevHash:   "00ff",
		KeyID:      tKeyID,
		EmployeeID: tHolderID,
	}
}

func TestComputeHashFormat(t *testing.T) {
	e := tAuditEntry()
	h := e.ComputeHash()
	if b, err := hex.DecodeString(h); err != nil || len(b) != 32 {
		t.Fatalf("hash %q is not hex SHA-256", h)
	}
	if e.ComputeHash() != h {
		t.Errorf("hash not stable")
	}
	// The Hash field itself is not covered.
	e.Hash = "anything"
	if e.ComputeHash() != h {
		t.Errorf("Hash field changes the hash")
	}
}

// Every field but Hash is covered: changing any one changes the hash.
func TestComputeHashCoversEveryField(t *testing.T) {
	base := tAuditEntry()
	baseHash := base.ComputeHash()
	for _, tc := range []struct {
		field string
		edit  func(*model.AuditEntry)
	}{
		{"Seq", func(e *model.AuditEntry) { e.Seq++ }},
		{"Seq to 0", func(e *model.AuditEntry) { e.Seq = 0 }},
		{"Time +1ns", func(e *model.AuditEntry) { e.Time = e.Time.Add(time.Nanosecond) }},
		{"Time -1s", func(e *model.AuditEntry) { e.Time = e.Time.Add(-time.Second) }},
		{"Time zero", func(e *model.AuditEntry) { e.Time = time.Time{} }},
		{"Actor", func(e *model.AuditEntry) { e.Actor = model.LocalAdmin("mallory").String() }},
		{"Actor empty", func(e *model.AuditEntry) { e.Actor = "" }},
		{"Action", func(e *model.AuditEntry) { e.Action = model.ActionKeyRemoved }},
		{"Target", func(e *model.AuditEntry) { e.Target = "key ABC124" }},
		{"From", func(e *model.AuditEntry) { e.From = model.Active }},
		{"From none", func(e *model.AuditEntry) { e.From = 0 }},
		{"To", func(e *model.AuditEntry) { e.To = model.Compromised }},
		{"Reason", func(e *model.AuditEntry) { e.Reason = model.Stolen }},
		{"Note", func(e *model.AuditEntry) { e.Note = "first key." }},
		{"Note empty", func(e *model.AuditEntry) { e.Note = "" }},
		{"PrevHash", func(e *model.AuditEntry) { e.PrevHash = "00fe" }},
		{"PrevHash empty", func(e *model.AuditEntry) { e.PrevHash = "" }},
		{"KeyID", func(e *model.AuditEntry) { e.KeyID++ }},
		{"KeyID to 0", func(e *model.AuditEntry) { e.KeyID = 0 }},
		{"EmployeeID", func(e *model.AuditEntry) { e.EmployeeID++ }},
		{"EmployeeID to 0", func(e *model.AuditEntry) { e.EmployeeID = 0 }},
		// Values moved from one field to the next must not hash the same.
		{"Actor/Action boundary", func(e *model.AuditEntry) { e.Actor, e.Action = "alice (local)key.", "assigned" }},
		{"Target/Note boundary", func(e *model.AuditEntry) { e.Target, e.Note = "key ABC123first", " key" }},
		{"KeyID/EmployeeID swap", func(e *model.AuditEntry) { e.KeyID, e.EmployeeID = e.EmployeeID, e.KeyID }},
		{"From/To swap", func(e *model.AuditEntry) { e.From, e.To = e.To, e.From }},
	} {
		t.Run(tc.field, func(t *testing.T) {
			e := base
			tc.edit(&e)
			if e == base {
				t.Fatalf("the edit changed nothing")
			}
			if e.ComputeHash() == baseHash {
				t.Errorf("changing %s leaves the hash unchanged", tc.field)
			}
		})
	}
	// The same instant written in another zone is the same entry.
	e := base
	e.Time = base.Time.In(time.FixedZone("CET", 3600))
	if e.ComputeHash() != baseHash {
		t.Errorf("the time zone of the same instant changes the hash")
	}
}

func TestSeal(t *testing.T) {
	e := tAuditEntry()
	e.Seal("abc")
	if e.PrevHash != "abc" || e.Hash != e.ComputeHash() || e.Hash == "" {
		t.Errorf("Seal: PrevHash %q Hash %q", e.PrevHash, e.Hash)
	}
	f := tAuditEntry()
	f.Seal("abd")
	if f.Hash == e.Hash {
		t.Errorf("different predecessors, same hash")
	}
}

// tChain builds n sealed entries, each chained after the one before.
func tChain(n int) []model.AuditEntry {
	chain := make([]model.AuditEntry, n)
	prev := ""
	actions := []model.Action{model.ActionKeyImported, model.ActionKeyAssigned, model.ActionCodeShown, model.ActionKeyActivated}
	for i := range chain {
		e := model.AuditEntry{
			Seq:        uint64(i + 1),
			Time:       tNow.Add(time.Duration(i) * time.Second),
			Actor:      model.SSHAdmin("admin", "SHA256:x", model.RoleAdmin).String(),
			Action:     actions[i%len(actions)],
			Target:     fmt.Sprintf("key K%04d", i),
			From:       model.Status(i % 8),
			To:         model.Status((i + 1) % 8),
			Reason:     model.Reason(i % 7),
			Note:       fmt.Sprintf("note %d", i),
			KeyID:      uint64(i),
			EmployeeID: uint64(i * 3),
		}
		e.Seal(prev)
		prev = e.Hash
		chain[i] = e
	}
	return chain
}

// tVerify checks the chain link by link, as `keydesk audit verify` does,
// and returns the index of the first broken entry, or -1.
func tVerify(chain []model.AuditEntry) int {
	prev := ""
	for i, e := range chain {
		if e.PrevHash != prev || e.ComputeHash() != e.Hash {
			return i
		}
		prev = e.Hash
	}
	return -1
}

func TestAuditChainVerifies(t *testing.T) {
	chain := tChain(1000)
	if i := tVerify(chain); i != -1 {
		t.Fatalf("fresh chain broken at %d", i)
	}
	seen := map[string]bool{}
	for _, e := range chain {
		if seen[e.Hash] {
			t.Fatalf("duplicate hash %s", e.Hash)
		}
		seen[e.Hash] = true
	}
}

func TestAuditChainTamperingDetected(t *testing.T) {
	for _, tc := range []struct {
		name       string
		tamper     func([]model.AuditEntry) []model.AuditEntry
		wantBroken int
	}{
		{"note edited", func(c []model.AuditEntry) []model.AuditEntry { c[500].Note = "nothing happened"; return c }, 500},
		{"actor edited", func(c []model.AuditEntry) []model.AuditEntry { c[500].Actor = "someone else"; return c }, 500},
		{"time edited", func(c []model.AuditEntry) []model.AuditEntry { c[500].Time = c[500].Time.Add(time.Hour); return c }, 500},
		{"status edited", func(c []model.AuditEntry) []model.AuditEntry { c[500].To = model.Ready; return c }, 500},
		{"hash edited", func(c []model.AuditEntry) []model.AuditEntry { c[500].Hash = c[501].Hash; return c }, 500},
		{"edited and resealed", func(c []model.AuditEntry) []model.AuditEntry {
			c[500].Note = "nothing happened"
			c[500].Seal(c[499].Hash)
			return c
		}, 501},
		{"deleted", func(c []model.AuditEntry) []model.AuditEntry {
			return append(c[:500:500], c[501:]...)
		}, 500},
		{"two swapped", func(c []model.AuditEntry) []model.AuditEntry { c[500], c[501] = c[501], c[500]; return c }, 500},
		{"last one edited", func(c []model.AuditEntry) []model.AuditEntry { c[999].Note = "x"; return c }, 999},
		{"first one edited", func(c []model.AuditEntry) []model.AuditEntry { c[0].Seq = 99; return c }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			chain := tc.tamper(tChain(1000))
			if got := tVerify(chain); got != tc.wantBroken {
				t.Errorf("verify says broken at %d, want %d", got, tc.wantBroken)
			}
		})
	}
}

// The hashes are in files: how they are computed never changes. (Pinned
// from the first implementation, which streamed each field into the hash:
// referenceHash.)
func TestComputeHashIsPinned(t *testing.T) {
	odd := model.AuditEntry{Seq: 18446744073709551615, Time: time.Date(2025, 3, 1, 9, 30, 0, 123456789, time.FixedZone("x", 3600)),
		Actor: "bob (SHA256:abc)", Action: "key.teleported", Target: "k\u00e9y ü", From: model.Compromised, To: model.Locked,
		Reason: model.Stolen, Note: "a\nb", PrevHash: "ab", KeyID: 1 << 40, EmployeeID: 7}
	for _, tc := range []struct {
		e    model.AuditEntry
		want string
	}{
		{model.AuditEntry{Seq: 1}, "2211a8a1f17524ec2d89bb457a6b45cd24bfcaace122c1bf814e4bdf3df29be1"},
		{odd, "97f29f09146796c72e4d3da949290ba8df175a39211e8e0d02a4e8468c8fc959"},
	} {
		if got := tc.e.ComputeHash(); got != tc.want {
			t.Errorf("ComputeHash(%+v) = %s, want %s", tc.e, got, tc.want)
		}
	}
	long := tAuditEntry()
	long.Note = strings.Repeat("n", 2000) // past the stack buffer
	for _, e := range []model.AuditEntry{tAuditEntry(), long, odd, {}} {
		if got, want := e.ComputeHash(), referenceHash(e); got != want {
			t.Errorf("ComputeHash(%+v) = %s, the first implementation %s", e, got, want)
		}
	}
}

// referenceHash is ComputeHash as it was first written.
func referenceHash(e model.AuditEntry) string {
	h := sha256.New()
	var num [8]byte
	field := func(s string) {
		binary.BigEndian.PutUint64(num[:], uint64(len(s)))
		h.Write(num[:])
		h.Write([]byte(s))
	}
	field(strconv.FormatUint(e.Seq, 10))
	field(e.Time.UTC().Format(time.RFC3339Nano))
	field(e.Actor)
	field(string(e.Action))
	field(e.Target)
	field(e.From.String())
	field(e.To.String())
	field(e.Reason.String())
	field(e.Note)
	field(strconv.FormatUint(e.KeyID, 10))
	field(strconv.FormatUint(e.EmployeeID, 10))
	field(e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

func TestSealerSealsAsSealDoes(t *testing.T) {
	var sealer model.Sealer
	prevA, prevB := "", ""
	for i, at := range []time.Time{tNow, tNow, tNow.Add(time.Nanosecond), tNow.In(time.FixedZone("x", 3600)), tNow} {
		a := tAuditEntry()
		a.Seq, a.Time = uint64(i+1), at
		b := a
		a.Seal(prevA)
		sealer.Seal(&b, prevB)
		if a != b {
			t.Fatalf("entry %d: Sealer gave %+v, Seal %+v", i, b, a)
		}
		prevA, prevB = a.Hash, b.Hash
	}
}
