package store

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// A log of commands gives no secret away (issue 20): every command of a
// realistic run, and one of every kind with every secret set, encodes
// without an activation code's digits (none shown in the run, none
// typed), without a mail or directory password, and without the seed the
// digits are drawn from; and reads back, with the key file, to the
// command that was applied.
func TestEncodedCommandsCarryNoSecretInClear(t *testing.T) {
	s, _ := tOpen(t)
	if s.box == nil {
		t.Fatal("the test store has no key file")
	}
	h := newReplayHistory(20)
	status := func(serial string) model.Status {
		k, err := s.Key(serial)
		if err != nil {
			return 0
		}
		return k.Status
	}
	var cmds []*Command
	shown := map[string]bool{} // every code the run showed
	note := func(result any) {
		switch r := result.(type) {
		case CodeView:
			shown[r.Digits] = true
		case keyEventResult:
			shown[r.Code.Digits] = true
		case NewEmployee:
			if r.Code != nil {
				shown[r.Code.Digits] = true
			}
		}
	}
	for i := range 1000 {
		cmd := h.next(i, status)
		result, _ := s.execCommand(cmd)
		h.learn(result)
		note(result)
		cmds = append(cmds, cmd)
	}
	delete(shown, "")
	if len(shown) < 20 {
		t.Fatalf("the run showed %d codes: too few to tell", len(shown))
	}
	// Every kind, with its secrets set: a directory password, and codes
	// typed that the run showed.
	for _, cmd := range tSampleCommands() {
		switch a := cmd.Args.(type) {
		case enterCodeArgs:
			for code := range shown {
				a.Code = code
				break
			}
			cmd.Args = a
		case directorySettingsArgs:
			a.Settings.Password = "bind-secret-42"
			cmd.Args = a
		case smtpArgs:
			a.Settings.Password = "mail-secret-17"
			cmd.Args = a
		}
		cmds = append(cmds, cmd)
	}

	typed, passwords := 0, 0
	for i, cmd := range cmds {
		var secretsOf [][]byte
		for code := range shown {
			secretsOf = append(secretsOf, []byte(code))
		}
		switch a := cmd.Args.(type) {
		case enterCodeArgs:
			if shown[a.Code] {
				typed++
			}
			secretsOf = append(secretsOf, []byte(a.Code))
		case smtpArgs:
			passwords++
			secretsOf = append(secretsOf, []byte(a.Settings.Password))
		case directorySettingsArgs:
			passwords++
			secretsOf = append(secretsOf, []byte(a.Settings.Password))
		}
		if cmd.Seed != ([32]byte{}) {
			secretsOf = append(secretsOf, cmd.Seed[:], cmd.Seed[:8], cmd.Seed[24:])
		}
		raw, err := EncodeCommand(cmd, s.box)
		if err != nil {
			t.Fatalf("command %d (%T): %v", i, cmd.Args, err)
		}
		for _, secret := range secretsOf {
			if len(secret) > 0 && bytes.Contains(raw, secret) {
				t.Errorf("command %d (%T) carries %q in clear: %x", i, cmd.Args, secret, raw)
			}
		}
		back, err := DecodeCommand(raw, s.box)
		if err != nil {
			t.Fatalf("command %d (%T): %v", i, cmd.Args, err)
		}
		if !reflect.DeepEqual(back, cmd) {
			t.Errorf("command %d read back as %+v, want %+v", i, back, cmd)
		}
	}
	if typed < 20 || passwords < 10 {
		t.Errorf("the run typed %d codes it was shown and set %d passwords: too few to tell", typed, passwords)
	}
}

// Every string field of the arguments named like a secret is one that
// the encoding seals (secretFields): a new argument that carries a
// password or a code cannot slip into the log in clear.
func TestEveryArgsSecretIsSealed(t *testing.T) {
	secretName := regexp.MustCompile(`(?i)password|secret|passphrase|token|^code$|digits|pin$`)
	var walk func(t reflect.Type, path string, seen map[reflect.Type]bool)
	found := 0
	walk = func(ty reflect.Type, path string, seen map[reflect.Type]bool) {
		if seen[ty] || ty == reflect.TypeFor[time.Time]() {
			return
		}
		seen[ty] = true
		switch ty.Kind() {
		case reflect.Slice:
			walk(ty.Elem(), path+"[]", seen)
		case reflect.Struct:
			for i := range ty.NumField() {
				f := ty.Field(i)
				if f.Type.Kind() == reflect.String && secretName.MatchString(f.Name) {
					found++
					if !secretFields[ty][f.Name] {
						t.Errorf("%s.%s (in %s) looks like a secret and is encoded in clear: add it to secretFields", ty, f.Name, path)
					}
				}
				walk(f.Type, path+"."+f.Name, seen)
			}
		}
	}
	for _, k := range argsKinds {
		ty := reflect.TypeOf(k.zero)
		walk(ty, fmt.Sprint(ty), map[reflect.Type]bool{})
	}
	if found < 3 {
		t.Errorf("found %d secret fields: the walk misses the code and the passwords", found)
	}
}
