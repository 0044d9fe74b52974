package model_test

import (
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
)

func TestNormalizeKeyValid(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   model.KeyInput
		want model.KeyInput
	}{
		{
			"all fields",
			model.KeyInput{Serial: "ST10110192000001", MAC: "AA:BB:CC:DD:EE:FF", Model: "ST102", Firmware: "3.4.1", RFID: "00A1B2C3"},
			model.KeyInput{Serial: "ST10110192000001", MAC: "AA:BB:CC:DD:EE:FF", Model: "ST102", Firmware: "3.4.1", RFID: "00A1B2C3"},
		},
		{
			"serial only",
			model.KeyInput{Serial: "abc123"},
			model.KeyInput{Serial: "ABC123"},
		},
		{
			"trimmed and upper-cased",
			model.KeyInput{Serial: "  abc-123_x\t", MAC: " aa:bb:cc:dd:ee:ff ", Model: " IPI Key 4 ", Firmware: " v3.4.1-rc1 ", RFID: " 00ab12 "},
			model.KeyInput{Serial: "ABC-123_X", MAC: "AA:BB:CC:DD:EE:FF", Model: "IPI Key 4", Firmware: "v3.4.1-rc1", RFID: "00AB12"},
		},
		{
			"model keeps its case and accents",
			model.KeyInput{Serial: "K1", Model: "Clé sécurisée (modèle B)"},
			model.KeyInput{Serial: "K1", Model: "Clé sécurisée (modèle B)"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := model.NormalizeKey(tc.in)
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestNormalizeKeyMAC(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"AA:BB:CC:DD:EE:FF", "AA:BB:CC:DD:EE:FF"},
		{"aa:bb:cc:dd:ee:ff", "AA:BB:CC:DD:EE:FF"},
		{"aa-bb-cc-dd-ee-ff", "AA:BB:CC:DD:EE:FF"},
		{"AA-BB-CC-DD-EE-FF", "AA:BB:CC:DD:EE:FF"},
		{"aabbccddeeff", "AA:BB:CC:DD:EE:FF"},
		{"AABBCCDDEEFF", "AA:BB:CC:DD:EE:FF"},
		{"aabb.ccdd.eeff", "AA:BB:CC:DD:EE:FF"},
		{"  00:1a:2B:3c:4D:5e  ", "00:1A:2B:3C:4D:5E"},
		{"012345678901", "01:23:45:67:89:01"},
		{"", ""},
		{"   ", ""},
	} {
		got, err := model.NormalizeKey(model.KeyInput{Serial: "K1", MAC: tc.in})
		if err != nil || got.MAC != tc.want {
			t.Errorf("MAC %q -> %q, %v; want %q", tc.in, got.MAC, err, tc.want)
		}
	}
	for _, bad := range []string{
		"AA:BB:CC:DD:EE",
		"AA:BB:CC:DD:EE:FF:00",
		"AA:BB:CC:DD:EE:F",
		"GG:BB:CC:DD:EE:FF",
		"AA:BB:CC:DD:EE:FZ",
		"AA BB CC DD EE FF",
		"AA:BB:CC:DD:EE:FF\x1b",
		"\x1b[2JAA:BB:CC:DD:EE:FF",
		"AA:BB:CC:DD:EE:ÉF",
		"not a mac",
		"aabbccddeeff0",
	} {
		_, err := model.NormalizeKey(model.KeyInput{Serial: "K1", MAC: bad})
		if err == nil {
			t.Errorf("MAC %q accepted", bad)
			continue
		}
		if !strings.Contains(err.Error(), "MAC address") {
			t.Errorf("MAC %q: message %q does not name the field", bad, err)
		}
		for _, r := range err.Error() {
			if tUnsafeOnTerminal(r) {
				t.Errorf("MAC %q: message %q echoes %U", bad, err, r)
			}
		}
	}
}

func TestNormalizeKeyRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     model.KeyInput
		wantIn string
	}{
		{"no serial", model.KeyInput{}, "serial is required"},
		{"blank serial", model.KeyInput{Serial: "  \t"}, "serial is required"},
		{"space in serial", model.KeyInput{Serial: "ABC 123"}, "serial"},
		{"slash in serial", model.KeyInput{Serial: "ABC/123"}, "serial"},
		{"dot in serial", model.KeyInput{Serial: "ABC.123"}, "serial"},
		{"accent in serial", model.KeyInput{Serial: "äbc123"}, "serial"},
		{"fullwidth serial", model.KeyInput{Serial: "ＡＢＣ"}, "serial"},
		{"ESC in serial", model.KeyInput{Serial: "ABC\x1b[2J"}, "serial may not contain control characters"},
		{"bidi in serial", model.KeyInput{Serial: "ABC\u202e321"}, "serial may not contain control characters"},
		{"serial too long", model.KeyInput{Serial: strings.Repeat("A", 65)}, "serial is too long"},
		{"RFID with space", model.KeyInput{Serial: "K1", RFID: "00 AB"}, "RFID"},
		{"RFID with colon", model.KeyInput{Serial: "K1", RFID: "00:AB"}, "RFID"},
		{"RFID too long", model.KeyInput{Serial: "K1", RFID: strings.Repeat("F", 33)}, "RFID is too long"},
		{"RFID control", model.KeyInput{Serial: "K1", RFID: "00\x07AB"}, "RFID may not contain control characters"},
		{"model too long", model.KeyInput{Serial: "K1", Model: strings.Repeat("m", 65)}, "model is too long"},
		{"model control", model.KeyInput{Serial: "K1", Model: "ST\x1b]52;c;aGk=\x07"}, "model may not contain control characters"},
		{"firmware too long", model.KeyInput{Serial: "K1", Firmware: strings.Repeat("1", 65)}, "firmware is too long"},
		{"firmware control", model.KeyInput{Serial: "K1", Firmware: "3.4\n.1"}, "firmware may not contain control characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := model.NormalizeKey(tc.in)
			if err == nil {
				t.Fatalf("accepted %+v", tc.in)
			}
			if !strings.Contains(err.Error(), tc.wantIn) {
				t.Errorf("message %q does not contain %q", err, tc.wantIn)
			}
		})
	}
}

func TestNormalizeKeyLimits(t *testing.T) {
	in := model.KeyInput{
		Serial:   strings.Repeat("a", 64),
		RFID:     strings.Repeat("f", 32),
		Model:    strings.Repeat("é", 64),
		Firmware: strings.Repeat("1", 64),
	}
	got, err := model.NormalizeKey(in)
	if err != nil {
		t.Fatalf("refused at the limits: %v", err)
	}
	if got.Serial != strings.Repeat("A", 64) || got.RFID != strings.Repeat("F", 32) {
		t.Errorf("got %+v", got)
	}
}

func TestNormalizeSerial(t *testing.T) {
	for in, want := range map[string]string{
		"abc123":      "ABC123",
		" ABC123 ":    "ABC123",
		"st-10_11":    "ST-10_11",
		"0000000001":  "0000000001",
		"a":           "A",
		"Abc-Def_123": "ABC-DEF_123",
	} {
		if got, err := model.NormalizeSerial(in); err != nil || got != want {
			t.Errorf("NormalizeSerial(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", " ", "a b", "a+b", "a\x00", "a\u200fb", "ß"} {
		if got, err := model.NormalizeSerial(bad); err == nil {
			t.Errorf("NormalizeSerial(%q) = %q, want an error", bad, got)
		}
	}
}

func TestNormalizeNote(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"  on leave  ":           "on leave",
		"retour le 3 mai, 山田":    "retour le 3 mai, 山田",
		strings.Repeat("x", 500): strings.Repeat("x", 500),
	} {
		if got, err := model.NormalizeNote(in); err != nil || got != want {
			t.Errorf("NormalizeNote(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{strings.Repeat("x", 501), "a\nb", "\x1b[2J", "a\u2067b", "\xff"} {
		if _, err := model.NormalizeNote(bad); err == nil {
			t.Errorf("NormalizeNote(%q) accepted", bad)
		}
	}
}
