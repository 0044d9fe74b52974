package store

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
	gossh "golang.org/x/crypto/ssh"
)

// Shared fixtures of the store tests. Every test works on its own bbolt
// file in t.TempDir(), with a clock it can move.

// tAdmin acts in the tests: an admin on this machine.
var tAdmin = model.LocalAdmin("alice")

// tAdminName is how the audit trail names tAdmin.
const tAdminName = "alice (admin, local)"

// tCtx is the context of parses that nothing stops.
var tCtx = context.Background()

// tStart is the moment the test clock starts at.
var tStart = time.Date(2025, time.March, 14, 9, 0, 0, 0, time.UTC)

// testClock is a clock that only moves when a test says so.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// tOpen opens a new store in a temp dir. NoSync keeps the suite fast: a
// test's process never loses its page cache, so it changes no outcome.
func tOpen(t testing.TB) (*Store, *testClock) {
	t.Helper()
	clock := &testClock{now: tStart}
	s, err := Open(filepath.Join(t.TempDir(), "keydesk.db"), Options{Now: clock.Now, NoSync: true})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

// tImportKeys imports keys with the given serials (nothing else set).
func tImportKeys(t testing.TB, s *Store, serials ...string) {
	t.Helper()
	rows := make([]KeyRow, len(serials))
	for i, serial := range serials {
		rows[i] = KeyRow{Line: i + 2, KeyInput: model.KeyInput{Serial: serial}}
	}
	if _, err := s.ImportKeys(tAdmin, rows); err != nil {
		t.Fatalf("ImportKeys: %v", err)
	}
}

// tPerson is a valid employee profile with a name and e-mail from first.
func tPerson(first string) model.EmployeeInput {
	return model.EmployeeInput{FirstName: first, LastName: "Tester", Email: strings.ToLower(first) + "@example.com",
		Phone: "+1 555 0100", Department: "IT", Position: "Engineer"}
}

func tAddEmployee(t testing.TB, s *Store, first string) model.Employee {
	t.Helper()
	out, err := s.AddEmployee(tAdmin, tPerson(first), "")
	if err != nil {
		t.Fatalf("AddEmployee %s: %v", first, err)
	}
	return out.Employee
}

func tEmail(first string) string { return strings.ToLower(first) + "@example.com" }

// tKeyIn brings a fresh key with the given serial to status st, tied to a
// new employee named holder (for statuses that are tied), and returns the
// key's current code (empty when it has none).
func tKeyIn(t testing.TB, s *Store, serial, holder string, st model.Status) string {
	t.Helper()
	tImportKeys(t, s, serial)
	if st == model.Ready {
		return ""
	}
	tAddEmployee(t, s, holder)
	view, err := s.AssignKey(tAdmin, Serial(serial), tEmail(holder))
	if err != nil {
		t.Fatalf("AssignKey: %v", err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("bringing %s to %s: %v", serial, st, err)
		}
	}
	switch st {
	case model.Reserved:
		return view.Digits
	case model.Active, model.Locked, model.Suspended:
		must(s.DeviceEnterCode(tAdmin, serial, view.Digits))
	case model.Deactivated:
		must(s.RemoveKey(tAdmin, Serial(serial), model.Broken, "cracked"))
		return ""
	case model.Compromised:
		must(s.CompromiseKey(tAdmin, Serial(serial), model.Lost, serial, "lost on a train"))
		return ""
	}
	switch st {
	case model.Locked:
		must(s.DevicePinLocked(tAdmin, serial))
	case model.Suspended:
		v, err := s.SuspendKey(tAdmin, Serial(serial), "on leave")
		must(v, err)
		return v.Digits
	}
	return ""
}

// otherCode is a valid-looking code that is not digits.
func otherCode(digits string) string {
	b := []byte(digits)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

// tKey reads a key with its code straight from the database.
func tKey(t testing.TB, s *Store, serial string) model.Key {
	t.Helper()
	var k model.Key
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		k, err = s.keyBySerial(tx, serial)
		return err
	})
	if err != nil {
		t.Fatalf("key %s: %v", serial, err)
	}
	return k
}

func tEmployee(t testing.TB, s *Store, first string) model.Employee {
	t.Helper()
	e, err := s.Employee(tEmail(first))
	if err != nil {
		t.Fatalf("employee %s: %v", first, err)
	}
	return e
}

// tAudit returns every audit entry, oldest first.
func tAudit(t testing.TB, s *Store) []model.AuditEntry {
	t.Helper()
	var out []model.AuditEntry
	if err := s.AuditOldestFirst(tAdmin, func(e model.AuditEntry) error { out = append(out, e); return nil }); err != nil {
		t.Fatalf("AuditOldestFirst: %v", err)
	}
	return out
}

// tAuditSince returns the entries after the first n.
func tAuditSince(t testing.TB, s *Store, n int) []model.AuditEntry {
	t.Helper()
	return tAudit(t, s)[n:]
}

// tCodeCount is how many activation codes the codes bucket holds.
func tCodeCount(t testing.TB, s *Store) int {
	t.Helper()
	n := 0
	if err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketCodes).Stats().KeyN
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// tDump is every bucket's content and sequence: two equal dumps mean the
// database did not change.
func tDump(t testing.TB, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			out[string(name)+" #seq"] = fmt.Sprint(b.Sequence())
			return b.ForEach(func(k, v []byte) error {
				out[string(name)+" "+hex.EncodeToString(k)] = hex.EncodeToString(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	return out
}

// tUnchanged runs a refused operation and asserts that it was refused and
// wrote nothing. It returns the error for checks of the message.
func tUnchanged(t testing.TB, s *Store, op func() error) error {
	t.Helper()
	before := tDump(t, s)
	err := op()
	if err == nil {
		t.Fatalf("operation succeeded, want it refused")
	}
	if after := tDump(t, s); !reflect.DeepEqual(before, after) {
		t.Errorf("refused operation (%v) changed the database", err)
	}
	return err
}

// tOnlyAudited runs a refused device report and asserts that it was
// refused and that the only change is one code.refused audit entry: the
// trail keeps every refused activation attempt (SPEC 6), nothing else moves.
func tOnlyAudited(t testing.TB, s *Store, op func() error) error {
	t.Helper()
	return tOnlyAuditedAs(t, s, model.ActionCodeRefused, op)
}

// tOnlyAuditedAs is tOnlyAudited for a refusal recorded as action.
func tOnlyAuditedAs(t testing.TB, s *Store, action model.Action, op func() error) error {
	t.Helper()
	outsideAudit := func() map[string]string {
		d := tDump(t, s)
		for k, v := range d {
			switch {
			case strings.HasPrefix(k, "audit") || strings.HasPrefix(k, "meta "):
				delete(d, k)
			case (strings.HasPrefix(k, "keys ") || strings.HasPrefix(k, "employees ")) && !strings.HasSuffix(k, "#seq"):
				// The history heads are the trail's.
				raw, _ := hex.DecodeString(v)
				d[k] = hex.EncodeToString(withHead(raw, 0))
			}
		}
		return d
	}
	before, n := outsideAudit(), len(tAudit(t, s))
	err := op()
	if err == nil {
		t.Fatalf("operation succeeded, want it refused")
	}
	if after := outsideAudit(); !reflect.DeepEqual(before, after) {
		t.Errorf("refused attempt (%v) changed more than the audit trail", err)
	}
	entries := tAuditSince(t, s, n)
	if len(entries) != 1 || entries[0].Action != action || entries[0].Note != err.Error() {
		t.Errorf("refused attempt (%v) wrote %+v, want one %s entry with the reason", err, entries, action)
	}
	return err
}

// tRefusedWith asserts err is a *model.Refusal whose message contains every
// fragment.
func tRefusedWith(t testing.TB, err error, fragments ...string) {
	t.Helper()
	if !model.IsRefusal(err) {
		t.Errorf("err = %v (%T), want a *model.Refusal", err, err)
		return
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("message %q does not say %q", err, f)
		}
	}
}

func tFieldError(t testing.TB, err error, field, fragment string) {
	t.Helper()
	var fe *model.FieldError
	if !errors.As(err, &fe) {
		t.Errorf("err = %v (%T), want a *model.FieldError", err, err)
		return
	}
	if fe.Field != field || !strings.Contains(fe.Msg, fragment) {
		t.Errorf("FieldError{%q, %q}, want field %q saying %q", fe.Field, fe.Msg, field, fragment)
	}
}

func tVerify(t testing.TB, s *Store) AuditState {
	t.Helper()
	st, err := s.VerifyAudit()
	if err != nil {
		t.Fatalf("VerifyAudit: %v", err)
	}
	return st
}

// tAuthorizedLine writes an ed25519 public key as an authorized_keys line.
func tAuthorizedLine(pub []byte) (string, error) {
	key, err := gossh.NewPublicKey(ed25519.PublicKey(pub))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key))), nil
}

// Reads only the tests need.

// LicenceCounts returns how many keys have a licence in each status now
// (keys with none are not counted).
func (s *Store) LicenceCounts() (map[model.LicenceStatus]int, error) {
	var out map[model.LicenceStatus]int
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = licenceCounts(tx, s.now())
		return err
	})
	return out, err
}

// StatusCounts returns how many keys are in each status.
func (s *Store) StatusCounts() (map[model.Status]int, error) {
	var out map[model.Status]int
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = statusCounts(tx)
		return err
	})
	return out, err
}

// KeyByID returns one key by id, without its code.
func (s *Store) KeyByID(id uint64) (model.Key, error) {
	var k model.Key
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		k, err = s.keyByID(tx, id)
		k.Code = nil
		return err
	})
	return k, err
}
