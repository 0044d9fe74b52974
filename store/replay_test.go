package store

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// replayHistory is a long random history of commands over a small stock,
// so that most commands meet each other's keys and employees: many are
// refused (a key in the wrong status, an employee who holds a key, a
// wrong code, a role that may not), the rest change everything the store
// keeps. next picks the next command knowing the answers so far, as an
// admin would (a device types the code last shown, or a wrong one).
type replayHistory struct {
	rng    *rand.Rand
	now    time.Time
	codes  map[string]string // serial -> last code shown
	serial []string
	people []string
	// admins are SSH admins the history adds, changes and removes, and
	// who then act (a helpdesk or auditor one is refused some things);
	// none without key lines.
	admins []replayAdmin
}

type replayAdmin struct {
	name, line, fingerprint string
}

// withAdmins gives the history n SSH admins to add and act as.
func (h *replayHistory) withAdmins(t testing.TB, n int) *replayHistory {
	for i := range n {
		line := tKeyLine(t, 100+i)
		key, err := model.ParseAdminKey(line)
		if err != nil {
			t.Fatal(err)
		}
		h.admins = append(h.admins, replayAdmin{name: fmt.Sprintf("helper%d", i), line: line, fingerprint: key.Fingerprint})
	}
	return h
}

func newReplayHistory(seed uint64) *replayHistory {
	h := &replayHistory{rng: rand.New(rand.NewPCG(seed, seed+1)), now: tStart, codes: map[string]string{}}
	for i := range 4 {
		h.serial = append(h.serial, fmt.Sprintf("SN-%03d", i))
	}
	for _, p := range []string{"Ann", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus"} {
		h.people = append(h.people, p)
	}
	return h
}

func (h *replayHistory) pick(list []string) string { return list[h.rng.IntN(len(list))] }

// next is the next command. Time moves on by up to an hour, so that codes
// expire now and then.
func (h *replayHistory) next(i int, status func(serial string) model.Status) *Command {
	h.now = h.now.Add(time.Duration(h.rng.IntN(3600)) * time.Second)
	who := tAdmin
	switch n := h.rng.IntN(20); {
	case n == 0:
		who = model.SSHAdmin("mallory", "SHA256:not-an-admin", model.RoleAuditor) // refused, and audited
	case n < 4 && len(h.admins) > 0:
		a := h.admins[h.rng.IntN(len(h.admins))] // whatever role the table gives them now, or none
		who = model.Actor{Name: a.name, Fingerprint: a.fingerprint}
	}
	// Mostly the newest keys: older ones end Compromised, final.
	serial, person := h.serial[len(h.serial)-1-h.rng.IntN(min(6, len(h.serial)))], h.pick(h.people)
	ref := Serial(serial)
	var op model.Operation
	var args Args
	choice := h.rng.IntN(27)
	if h.rng.IntN(10) < 7 { // mostly what the key's status allows
		allowed := map[model.Status][]int{
			0: {0, 0, 1}, model.Ready: {2, 1, 15}, model.Reserved: {4, 4, 7, 3, 8}, model.Active: {5, 11, 8, 15},
			model.Locked: {6, 8}, model.Suspended: {4, 7, 10}, model.Deactivated: {9}, model.Compromised: {0, 12, 13},
		}[status(serial)]
		choice = allowed[h.rng.IntN(len(allowed))]
	}
	switch choice {
	case 0:
		fresh := fmt.Sprintf("SN-%03d", len(h.serial))
		h.serial = append(h.serial, fresh)
		rows := []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: fresh, Model: "K" + fmt.Sprint(i)}}}
		if h.rng.IntN(4) == 0 {
			rows = append(rows, KeyRow{Line: 3, KeyInput: model.KeyInput{Serial: serial}}) // refused when serial is in stock
		}
		op, args = model.OpImportKeys, importKeysArgs{Rows: rows}
	case 1:
		key := ""
		if h.rng.IntN(2) == 0 {
			key = serial
		}
		op, args = model.OpEmployeeAdd, addEmployeeArgs{Employee: tPerson(person), KeySerial: key}
	case 2:
		op, args = model.OpKeyAssign, assignArgs{Ref: ref, Email: tEmail(person)}
	case 3:
		op, args = model.OpKeyCode, showCodeArgs{Ref: ref}
	case 4:
		code := h.codes[serial]
		if code == "" || h.rng.IntN(3) == 0 {
			code = fmt.Sprintf("%06d", h.rng.IntN(1000000))
		}
		op, args = model.OpDeviceActivate, enterCodeArgs{Serial: serial, Code: code}
	case 5:
		op, args = model.OpKeySuspend, keyEventArgs{Ref: ref, Kind: model.EventSuspend, Note: "leave", ShowCode: true}
	case 6:
		op, args = model.OpKeyUnlock, keyEventArgs{Ref: ref, Kind: model.EventUnlock, ShowCode: true}
	case 7:
		op, args = model.OpKeyReissue, keyEventArgs{Ref: ref, Kind: model.EventReissue, ShowCode: true}
	case 8:
		reason := []model.Reason{model.Withdrawal, model.Broken}[h.rng.IntN(2)]
		op, args = model.OpKeyRemove, keyEventArgs{Ref: ref, Kind: model.EventRemove, Reason: reason}
	case 9:
		op, args = model.OpKeyWiped, keyEventArgs{Ref: ref, Kind: model.EventWiped}
	case 10:
		op, args = model.OpKeyCompromise, keyEventArgs{Ref: ref, Kind: model.EventCompromise, Reason: model.Lost, Confirm: serial}
	case 11:
		op, args = model.OpDevicePinLocked, keyEventArgs{Ref: ref, Kind: model.EventPinLocked}
	case 12:
		op, args = model.OpEmployeeEdit, editEmployeeArgs{Ref: Email(tEmail(person)), Employee: model.EmployeeInput{
			FirstName: person, LastName: "Edited" + fmt.Sprint(h.rng.IntN(3)), Email: tEmail(person)}}
	case 13:
		op, args = model.OpEmployeeDelete, deleteEmployeeArgs{Ref: Email(tEmail(person))}
	case 14:
		op, args = model.OpSettingsChange, smtpArgs{Settings: model.SMTPSettings{Host: "mail.example.com", Port: 587,
			From: "it@example.com", TLS: model.TLSStartTLS, User: "it", Password: fmt.Sprint("pw", i)}, Rev: uint64(h.rng.IntN(3))}
	case 15:
		edits := []keyEditArgs{
			{Ref: ref, Edit: editRFID, RFID: fmt.Sprintf("RF%d", h.rng.IntN(4))},
			{Ref: ref, Edit: editLicence, Licence: tStart.AddDate(1, 0, h.rng.IntN(30)).Truncate(24 * time.Hour)},
			{Ref: ref, Edit: editProfile, Profile: h.pick([]string{model.DefaultProfileName, "Strict"})},
			{Ref: ref, Edit: editProfileApplied},
		}
		e := edits[h.rng.IntN(len(edits))]
		op = map[keyEdit]model.Operation{editRFID: model.OpKeyRFID, editLicence: model.OpKeyLicence,
			editProfile: model.OpKeyProfile, editProfileApplied: model.OpDeviceProfileApplied}[e.Edit]
		args = e
	case 16:
		op, args = model.OpProfileAdd, addProfileArgs{Name: "Strict", Rules: model.DefaultRules}
	case 17, 18, 19:
		if len(h.admins) == 0 {
			op, args = model.OpKeyCode, showCodeArgs{Ref: ref}
			break
		}
		a := h.admins[h.rng.IntN(len(h.admins))]
		role := []model.Role{model.RoleAdmin, model.RoleHelpdesk, model.RoleAuditor}[h.rng.IntN(3)]
		op, args = model.OpAdminAdd, addAdminArgs{Name: a.name, Role: role, KeyLine: a.line}
		if choice == 18 {
			op, args = model.OpAdminRole, adminRoleArgs{Name: a.name, Role: role}
		} else if choice == 19 {
			op, args = model.OpAdminRemove, removeAdminArgs{Name: a.name}
		}
	case 20:
		failure := ""
		if h.rng.IntN(2) == 0 {
			failure = "the server said no"
		}
		op, args = model.OpKeyCodeEmail, codeEmailArgs{Serial: serial, To: tEmail(person), Failure: failure}
	case 21:
		op, args = model.OpEmployeeLeave, lifecycleArgs{Ref: Email(tEmail(person)), Kind: uint8(model.EmployeeLeave), Reason: "moved"}
		if h.rng.IntN(2) == 0 {
			op, args = model.OpEmployeeReturn, lifecycleArgs{Ref: Email(tEmail(person)), Kind: uint8(model.EmployeeReturn)}
		}
	case 22:
		set := model.DefaultDirectorySettings()
		set.URL, set.BindDN, set.Password, set.BaseDN = "ldaps://dc1.example.com", "cn=keydesk", fmt.Sprint("bind", i), "dc=example,dc=com"
		op, args = model.OpDirectorySettings, directorySettingsArgs{Settings: set, Rev: uint64(h.rng.IntN(3)), KeepPassword: h.rng.IntN(3) == 0}
	case 23:
		op, args = model.OpProfileEdit, editProfileArgs{Ref: ProfileRef{Name: "Strict", Rev: uint64(h.rng.IntN(3))}, Name: "Strict",
			Rules: model.ProfileRules{RequirePIN: true, PINMinLength: 6 + h.rng.IntN(3), PINMaxLength: 12, WrongPINLimit: 5}}
	case 24:
		op, args = model.OpProfileDelete, deleteProfileArgs{Ref: ProfileRef{Name: "Strict", Rev: uint64(h.rng.IntN(3))}}
	case 25:
		op, args = model.OpBackup, backupArgs{Where: "/backups/keydesk.db", Failure: []string{"", "disk full"}[h.rng.IntN(2)]}
	case 26:
		op, args = model.OpEmployeeAdd, addEmployeeArgs{Employee: tPerson(person + "x"), KeySerial: serial}
	}
	cmd := &Command{Version: commandVersion, Op: op, Actor: who, Args: args, Time: h.now}
	for j := range cmd.Seed {
		cmd.Seed[j] = byte(h.rng.Uint32())
	}
	return cmd
}

// learn notes the code an answer showed.
func (h *replayHistory) learn(result any) {
	switch r := result.(type) {
	case CodeView:
		h.codes[r.Serial] = r.Digits
	case keyEventResult:
		if r.Code.Digits != "" {
			h.codes[r.Code.Serial] = r.Code.Digits
		}
	case NewEmployee:
		if r.Code != nil {
			h.codes[r.Code.Serial] = r.Code.Digits
		}
	}
}

// tTwin opens a copy of s's file (and key file) at another path: the same
// database, somewhere else.
func tTwin(t *testing.T, s *Store) *Store {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "other.db")
	for from, to := range map[string]string{s.Path(): path, s.KeyPath(): filepath.Join(dir, "other.key")} {
		in, err := os.Open(from)
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(out, in); err != nil {
			t.Fatal(err)
		}
		in.Close()
		out.Close()
	}
	twin, err := Open(path, Options{NoSync: true, Now: func() time.Time { t.Fatal("a command read the clock"); return time.Time{} },
		Random: failingReader{t}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { twin.Close() })
	return twin
}

// failingReader fails the test when a command reads randomness of its own.
type failingReader struct{ t *testing.T }

func (f failingReader) Read([]byte) (int, error) {
	f.t.Fatal("a command read randomness")
	return 0, io.ErrUnexpectedEOF
}

// tRecords is every bucket's keys and values, nested buckets' too, each
// bucket's sequence, and the audit head.
func tRecords(t *testing.T, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(path string, b *bolt.Bucket) error
	walk = func(path string, b *bolt.Bucket) error {
		out[path+" #seq"] = fmt.Sprint(b.Sequence())
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				if nested := b.Bucket(k); nested != nil {
					return walk(fmt.Sprintf("%s/%x", path, k), nested)
				}
			}
			out[fmt.Sprintf("%s %x", path, k)] = fmt.Sprintf("%x", v)
			return nil
		})
	}
	if err := s.db.View(func(tx *bolt.Tx) error {
		out["audit head"] = fmt.Sprintf("%x", tx.Bucket(bucketMeta).Get(metaAuditHead))
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error { return walk(string(name), b) })
	}); err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("the dump holds %d lines: it misses the records", len(out))
	}
	return out
}

func tSameRecords(t *testing.T, what string, a, b *Store) {
	t.Helper()
	ra, rb := tRecords(t, a), tRecords(t, b)
	if reflect.DeepEqual(ra, rb) {
		return
	}
	n := 0
	for k, v := range ra {
		if rb[k] != v && n < 10 {
			t.Errorf("%s: %s differs:\n  %s\n  %s", what, k, v, rb[k])
			n++
		}
	}
	for k := range rb {
		if _, ok := ra[k]; !ok && n < 10 {
			t.Errorf("%s: %s only in the second", what, k)
			n++
		}
	}
	t.Fatalf("%s: the records differ", what)
}

// A long random history of commands, refusals included, applied one by
// one to a store, then through their encoding to a copy of the same empty
// store at another path, then in random batches (encoded again: other
// nonces, the same commands) to a third: the same answers, the same audit
// head, the same bytes in every bucket. The history covers most kinds of
// commands, by the local admin and by SSH admins it adds, changes and
// removes, whose refusals are audited.
func TestReplayGivesTheSameBytes(t *testing.T) {
	first, _ := tOpen(t)
	second, third := tTwin(t, first), tTwin(t, first)
	h := newReplayHistory(19).withAdmins(t, 3)
	var cmds []*Command
	var answers []Applied
	refusals := 0
	status := func(serial string) model.Status {
		k, err := first.Key(serial)
		if err != nil {
			return 0
		}
		return k.Status
	}
	for i := range 1500 {
		cmd := h.next(i, status)
		result, err := first.execCommand(cmd)
		h.learn(result)
		if err != nil {
			refusals++
		}
		cmds = append(cmds, cmd)
		answers = append(answers, Applied{Result: result, Err: err})
	}
	if refusals < 300 || refusals > 1200 {
		t.Fatalf("%d of %d commands refused: the history should mix refusals and changes", refusals, len(cmds))
	}
	kinds := map[reflect.Type]int{}
	applied := map[reflect.Type]int{}
	for i, cmd := range cmds {
		kinds[reflect.TypeOf(cmd.Args)]++
		if answers[i].Err == nil {
			applied[reflect.TypeOf(cmd.Args)]++
		}
	}
	if len(kinds) < 20 || len(applied) < 18 {
		t.Fatalf("the history has %d kinds of commands, %d of them applied at least once: too few", len(kinds), len(applied))
	}
	tVerify(t, first)

	for i, cmd := range cmds {
		raw, err := EncodeCommand(cmd, first.box)
		if err != nil {
			t.Fatal(err)
		}
		decoded, err := DecodeCommand(raw, second.box) // the key file copied with the database
		if err != nil {
			t.Fatalf("command %d: %v", i, err)
		}
		result, err := second.execCommand(decoded)
		tSameAnswer(t, i, answers[i], Applied{Result: result, Err: err})
	}
	tSameRecords(t, "one by one, decoded", first, second)

	rng := rand.New(rand.NewPCG(7, 8))
	for start := 0; start < len(cmds); {
		end := min(len(cmds), start+1+rng.IntN(40))
		var batch []*Command
		for _, cmd := range cmds[start:end] {
			raw, err := EncodeCommand(cmd, first.box)
			if err != nil {
				t.Fatal(err)
			}
			decoded, err := DecodeCommand(raw, third.box)
			if err != nil {
				t.Fatal(err)
			}
			batch = append(batch, decoded)
		}
		got, err := third.ApplyBatch(batch)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range got {
			tSameAnswer(t, start+i, answers[start+i], a)
		}
		start = end
	}
	tSameRecords(t, "in batches", first, third)
	tVerify(t, third)
}

func tSameAnswer(t *testing.T, i int, want, got Applied) {
	t.Helper()
	if fmt.Sprint(want.Err) != fmt.Sprint(got.Err) || !reflect.DeepEqual(want.Result, got.Result) {
		t.Fatalf("command %d: answer %+v, %v; first time %+v, %v", i, got.Result, got.Err, want.Result, want.Err)
	}
}

// A command applied again with the same request id has one effect: the
// second time it changes nothing and says it was applied.
func TestReappliedRequestHasOneEffect(t *testing.T) {
	s, _ := tOpen(t)
	tImportKeys(t, s, "SN-1")
	tAddEmployee(t, s, "Ann")
	cmd, err := s.newCommand(tAdmin, model.OpKeyAssign, assignArgs{Ref: Serial("SN-1"), Email: tEmail("Ann")})
	if err != nil {
		t.Fatal(err)
	}
	cmd.RequestID = [16]byte{1, 2, 3}
	if _, err := s.execCommand(cmd); err != nil {
		t.Fatal(err)
	}
	before := tDump(t, s)
	for _, again := range [][]*Command{{cmd}, {cmd, cmd}} {
		got, err := s.ApplyBatch(again)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range got {
			if _, ok := a.Err.(*AlreadyAppliedError); !ok {
				t.Errorf("applied again: %v, want AlreadyAppliedError", a.Err)
			}
		}
	}
	if after := tDump(t, s); !reflect.DeepEqual(before, after) {
		t.Error("a request applied again changed the database")
	}
	// Refused, an id is not kept: applied again, the command is judged again.
	refusedCmd, _ := s.newCommand(tAdmin, model.OpKeyWiped, keyEventArgs{Ref: Serial("SN-1"), Kind: model.EventWiped})
	refusedCmd.RequestID = [16]byte{4}
	for range 2 {
		if _, err := s.execCommand(refusedCmd); !model.IsRefusal(err) {
			t.Fatalf("wiping a Reserved key: %v, want a refusal", err)
		}
	}
}
