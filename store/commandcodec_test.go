package store

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/secrets"
)

// tSampleCommands are one command of every kind of arguments, every field
// set.
func tSampleCommands() []*Command {
	at := time.Date(2026, 12, 7, 12, 0, 0, 5, time.UTC)
	in := model.EmployeeInput{FirstName: "Ann", LastName: "Lee", Email: "ann@example.com", Phone: "1", Department: "IT", Position: "Dev", Company: "Co", ExternalID: "u-1"}
	ref := KeyRef{Serial: "SN-1", Rev: 3}
	args := []Args{
		checkArgs{},
		keyEventArgs{Ref: ref, Kind: model.EventCompromise, Reason: model.Stolen, Note: "n", Confirm: "SN-1", ShowCode: true},
		assignArgs{Ref: ref, Email: "ann@example.com"},
		showCodeArgs{Ref: ref},
		enterCodeArgs{Serial: "SN-1", Code: "012345"},
		addEmployeeArgs{Employee: in, KeySerial: "SN-1"},
		editEmployeeArgs{Ref: EmployeeRef{Email: "ann@example.com", Rev: 2}, Employee: in},
		deleteEmployeeArgs{Ref: EmployeeRef{Email: "ann@example.com", Rev: 2}},
		addAdminArgs{Name: "bob", Role: model.RoleHelpdesk, KeyLine: "ssh-ed25519 AAAA bob"},
		adminRoleArgs{Name: "bob", Role: model.RoleAuditor},
		removeAdminArgs{Name: "bob"},
		adminSeenArgs{Fingerprint: "SHA256:x"},
		addProfileArgs{Name: "Strict", Rules: model.ProfileRules{RequirePIN: true, PINExpiryDays: 90, PINMinLength: 6, PINMaxLength: 8, WrongPINLimit: 5, RequireButton: true, RequireServerConfirm: true}},
		editProfileArgs{Ref: ProfileRef{Name: "Strict", Rev: 1}, Name: "Stricter", Rules: model.DefaultRules},
		deleteProfileArgs{Ref: ProfileRef{Name: "Strict", Rev: 1}},
		keyEditArgs{Ref: ref, Edit: editLicence, Profile: "Strict", Licence: at.Truncate(24 * time.Hour), RFID: "RF1"},
		smtpArgs{Settings: model.SMTPSettings{Host: "mail", Port: 587, TLS: model.TLSStartTLS, From: "it@example.com", User: "u", Password: "p"}, Rev: 4},
		codeEmailArgs{Serial: "SN-1", To: "ann@example.com", Failure: "no answer"},
		backupArgs{Where: "/tmp/x", Failure: "disk full"},
		importKeysArgs{Rows: []KeyRow{{Line: 2, KeyInput: model.KeyInput{Serial: "SN-1", MAC: "AA:BB:CC:DD:EE:FF", Model: "M", Firmware: "F", RFID: "R"}, Profile: "Strict", LicenceUntil: "2027-01-01"}}},
		importEmployeesArgs{Rows: []EmployeeRow{{Line: 2, EmployeeInput: in, KeySerial: "SN-1", Status: "left", LeftAt: "2026-12-01", LeftReason: "r"}}},
		demoArgs{Keys: 10, Employees: 5},
		refusalCountArgs{Actor: "una (auditor, SHA256:u)", Target: "key code", Note: "una is auditor (refused 3 more times)"},
		lifecycleArgs{Ref: EmployeeRef{Email: "ann@example.com", Rev: 2}, Kind: uint8(model.EmployeeLeave), Reason: "resigned"},
		directorySettingsArgs{Settings: model.DirectorySettings{URL: "ldaps://dc1", TLS: model.LDAPS, CAFile: "/ca.pem", ServerName: "dc1",
			BindDN: "cn=k", Password: "p", BaseDN: "dc=x", Filter: "(a=b)", PageSize: 7, Timeout: time.Minute,
			Attributes: model.LDAPPresets["ad"], Policy: model.SyncPolicy{Grace: time.Hour, MaxLeaverPercent: 5, MinEntries: 9}}, Rev: 2, KeepPassword: true},
		syncArgs{Source: "snapshot x", People: []model.EmployeeInput{in}, Fields: uint8(model.SyncLastName | model.SyncPhone | model.SyncDepartment | model.SyncPosition | model.SyncCompany), ConfirmLeavers: 3},
		syncRefusedArgs{Source: "ldap x", Why: "down"},
	}
	args = append(args, tClusterSampleArgs(at)...) // clusteraudit_test.go
	var out []*Command
	for i, a := range args {
		cmd := &Command{Version: commandVersion, RequestID: [16]byte{byte(i), 1}, Op: model.OpKeyAssign,
			Actor: model.SSHAdmin("carol", "SHA256:abc", model.RoleAdmin), Args: a, Time: at}
		cmd.Actor.Bootstrap = true
		for j := range cmd.Seed {
			cmd.Seed[j] = byte(i + j)
		}
		out = append(out, cmd)
	}
	return out
}

// tFixedBox is a key file with a fixed key, for bytes that must not
// change from run to run.
func tFixedBox(t testing.TB) *secrets.Box {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fixed.key")
	key := "keydesk secrets key v1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
	if err := os.WriteFile(path, []byte(key), 0o600); err != nil {
		t.Fatal(err)
	}
	box, err := secrets.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func TestCommandRoundTrip(t *testing.T) {
	samples := tSampleCommands()
	if len(samples) != len(argsKinds) {
		t.Fatalf("%d samples for %d kinds of arguments: add one for the new kind", len(samples), len(argsKinds))
	}
	box := tFixedBox(t)
	for _, cmd := range samples {
		raw, err := EncodeCommand(cmd, box)
		if err != nil {
			t.Fatalf("%T: %v", cmd.Args, err)
		}
		back, err := DecodeCommand(raw, box)
		if err != nil {
			t.Fatalf("%T: %v", cmd.Args, err)
		}
		if !reflect.DeepEqual(cmd, back) {
			t.Errorf("%T:\n got %+v\nwant %+v", cmd.Args, back, cmd)
		}
	}
}

// The encoding of version 2 does not change: a log written by this
// keydesk reads the same in the next. A change here is a new version.
func TestCommandEncodingIsStable(t *testing.T) {
	box := tFixedBox(t)
	nonces := rand.NewChaCha8([32]byte{9})
	raw, err := encodeCommand(tSampleCommands()[1], box, nonces)
	if err != nil {
		t.Fatal(err)
	}
	const want = "0002" + "01010000000000000000000000000000" + "0c" + "02" + "05636172 6f6c" + "01" +
		"0a5348413235363a616263" + "01" + "8a80ecb8a6bbfbee31" +
		"3d" + "01 eebf03c8ccdba456230a0c00" + // the seed sealed: length, seal version, nonce,
		"d552969ec956f31cc7b8db22b4d351097230dbdbd3c326ebbe0c7969fa03a478" + // the 32 bytes,
		"16149e133f2de118841b5982afa3446b" + // the tag
		"0453 4e2d31" + "03" + "09" + "06" + "016e" + "0453 4e2d31" + "01"
	if got, w := hex.EncodeToString(raw), stripSpaces(want); got != w {
		t.Errorf("encoding changed:\n got %s\nwant %s", got, w)
	}
	// A password and a typed code are sealed the same way.
	for _, i := range []int{4, 16} {
		a, _ := encodeCommand(tSampleCommands()[i], box, rand.NewChaCha8([32]byte{9}))
		b, _ := encodeCommand(tSampleCommands()[i], box, rand.NewChaCha8([32]byte{9}))
		if !bytes.Equal(a, b) {
			t.Errorf("%T: two encodings with the same nonces differ", tSampleCommands()[i].Args)
		}
	}
}

// Version 1 (the seed and every field in clear) is still read: a log
// written before version 2 applies as it did.
func TestCommandVersion1IsRead(t *testing.T) {
	const v1 = "0001" + "01010000000000000000000000000000" + "0c" + "02" + "05636172 6f6c" + "01" +
		"0a5348413235363a616263" + "01" + "8a80ecb8a6bbfbee31" +
		"0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20" +
		"0453 4e2d31" + "03" + "09" + "06" + "016e" + "0453 4e2d31" + "01"
	raw, err := hex.DecodeString(stripSpaces(v1))
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeCommand(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := tSampleCommands()[1]
	want.Version = 1
	if !reflect.DeepEqual(got, want) {
		t.Errorf("version 1 read as\n %+v\nwant %+v", got, want)
	}
	// A typed code of version 1 is in clear, and read so.
	v1code := append([]byte(nil), raw[:len(raw)-16]...) // the header, without keyEventArgs' 16 bytes
	v1code[2+16] = byte(model.OpDeviceActivate)
	v1code[2+16+1] = 5 // enterCodeArgs
	v1code = append(v1code, 4, 'S', 'N', '-', '1', 6, '0', '1', '2', '3', '4', '5')
	got, err = DecodeCommand(v1code, nil)
	if err != nil || got.Args != (enterCodeArgs{Serial: "SN-1", Code: "012345"}) {
		t.Errorf("a version 1 typed code read as %+v, %v", got, err)
	}
}

func stripSpaces(s string) string {
	out := []byte{}
	for i := range len(s) {
		if s[i] != ' ' {
			out = append(out, s[i])
		}
	}
	return string(out)
}

// Arguments written before a field was added read with the field empty.
func TestCommandEndingEarlyReadsEmpty(t *testing.T) {
	cmd := tSampleCommands()[17] // codeEmailArgs{Serial, To, Failure}
	box := tFixedBox(t)
	raw, err := EncodeCommand(cmd, box)
	if err != nil {
		t.Fatal(err)
	}
	short := raw[:len(raw)-len("no answer")-1] // without Failure
	back, err := DecodeCommand(short, box)
	if err != nil {
		t.Fatal(err)
	}
	want := cmd.Args.(codeEmailArgs)
	want.Failure = ""
	if back.Args != want {
		t.Errorf("got %+v, want %+v", back.Args, want)
	}
}

func TestCommandRefusals(t *testing.T) {
	box := tFixedBox(t)
	if _, err := EncodeCommand(&Command{Version: commandVersion, Args: closureArgs{}}, box); !errors.Is(err, ErrCommandEncoding) {
		t.Errorf("a closure encoded: %v", err)
	}
	raw, _ := EncodeCommand(tSampleCommands()[0], box)
	raw[1] = commandVersion + 1
	if _, err := DecodeCommand(raw, box); !errors.Is(err, ErrCommandEncoding) {
		t.Errorf("a newer version decoded: %v", err)
	}
	// What carries a secret is neither written nor read without the key
	// file, nor read with another one.
	if _, err := EncodeCommand(tSampleCommands()[4], nil); !errors.Is(err, ErrCommandEncoding) {
		t.Errorf("a command with a seed encoded without the key file: %v", err)
	}
	noSeed := *tSampleCommands()[4]
	noSeed.Seed = [32]byte{}
	if _, err := EncodeCommand(&noSeed, nil); !errors.Is(err, ErrCommandEncoding) {
		t.Errorf("a typed code encoded without the key file: %v", err)
	}
	noSeed.Args = enterCodeArgs{Serial: "SN-1"}
	if _, err := EncodeCommand(&noSeed, nil); err != nil {
		t.Errorf("a command without a secret needs no key file: %v", err)
	}
	other, err := secrets.Create(filepath.Join(t.TempDir(), "other.key"))
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{1, 4, 16, 24} {
		raw, err := EncodeCommand(tSampleCommands()[i], box)
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string]*secrets.Box{"no key file": nil, "another key file": other} {
			if _, err := DecodeCommand(raw, b); !errors.Is(err, ErrCommandEncoding) {
				t.Errorf("%T read with %s: %v", tSampleCommands()[i].Args, name, err)
			}
		}
	}
}

func FuzzDecodeCommand(f *testing.F) {
	box := tFixedBox(f)
	for _, cmd := range tSampleCommands() {
		raw, err := EncodeCommand(cmd, box)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte{0, 1})
	f.Fuzz(func(t *testing.T, raw []byte) {
		cmd, err := DecodeCommand(raw, box)
		if err != nil {
			if !errors.Is(err, ErrCommandEncoding) {
				t.Fatalf("an error that is not ErrCommandEncoding: %v", err)
			}
			return
		}
		again, err := EncodeCommand(cmd, box)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeCommand(again, box)
		if err == nil {
			back.Version = cmd.Version // version 1 is read, written as 2
		}
		if err != nil || !reflect.DeepEqual(cmd, back) {
			t.Fatalf("decoded, encoded and decoded again: %+v, %v; want %+v", back, err, cmd)
		}
	})
}
