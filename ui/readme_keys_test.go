package ui

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/common"
	"github.com/keydesk/keydesk/ui/component/keyaction"
)

// readmeSection is the README's text from the line that starts with
// start to the next one that starts with any of ends.
func readmeSection(t *testing.T, text, start string, ends ...string) string {
	t.Helper()
	i := strings.Index(text, "\n"+start)
	if i < 0 {
		t.Fatalf("the README has no %q", start)
	}
	rest := text[i+1+len(start):]
	end := len(rest)
	for _, e := range ends {
		if j := strings.Index(rest, "\n"+e); j >= 0 && j < end {
			end = j
		}
	}
	return rest[:end]
}

var backticked = regexp.MustCompile("`([^`]+)`")

func keysIn(text string) map[string]bool {
	out := map[string]bool{}
	for _, m := range backticked.FindAllStringSubmatch(text, -1) {
		out[m[1]] = true
	}
	return out
}

// helpKeys splits a binding's help key into what the README writes
// between backticks: "↑/k" is `↑` and `k`.
func helpKeys(b key.Binding) []string {
	k := b.Help().Key
	switch k {
	case "a-z", "esc/?", "/":
		return []string{k}
	}
	return strings.Split(k, "/")
}

// The README's keymap is the screens': every key a screen's help lists
// (for an admin, who has them all) is in the README's part for that
// screen, the lists' or the keys that work everywhere; and the key
// actions' table is exactly the actions the screens offer.
func TestReadmeKeymapMatchesTheScreens(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	ui := readmeSection(t, readme, "## Terminal UI keys", "## ")
	everywhere := readmeSection(t, ui, "**Everywhere**", "**Lists**")
	lists := readmeSection(t, ui, "**Lists**", "**0 Call**")
	sections := map[string]string{
		"Call":      readmeSection(t, ui, "**0 Call**", "**1 Employees**"),
		"Employees": readmeSection(t, ui, "**1 Employees**", "**2 Keys**"),
		"Keys":      readmeSection(t, ui, "**2 Keys**", "**3 Audit**"),
		"Audit":     readmeSection(t, ui, "**3 Audit**", "**4 Settings**"),
		"Settings":  readmeSection(t, ui, "**4 Settings**", "**5 Profiles**"),
		"Profiles":  readmeSection(t, ui, "**5 Profiles**", "**The activation code**"),
	}
	d := newDriver(t, tFixtureStore(t), 80, 24)
	global := keysIn(everywhere)
	for _, b := range d.app.keys.all(d.app.tabs()) {
		for _, k := range helpKeys(b) {
			if !global[k] && !strings.Contains(everywhere, k) {
				t.Errorf("the README's Everywhere does not list `%s` (%s)", k, b.Help().Desc)
			}
		}
	}
	actionKeys := keysIn(sections["Keys"])
	for _, s := range d.app.screens {
		section, ok := sections[s.Title()]
		if !ok {
			t.Fatalf("the README has no part for the %s screen", s.Title())
		}
		known := keysIn(section + lists + everywhere)
		for _, group := range s.FullHelp() {
			for _, b := range group {
				for _, k := range helpKeys(b) {
					if !known[k] && !actionKeys[k] {
						t.Errorf("the %s screen's help has `%s` (%s), which its README part does not list", s.Title(), k, b.Help().Desc)
					}
				}
			}
		}
	}

	// The key actions' table, row by row.
	table := readmeSection(t, sections["Keys"], "| key | action |", "\n\n")
	var inTable []string
	for _, line := range strings.Split(table, "\n") {
		if m := regexp.MustCompile("^\\| `([^`]+)` \\|").FindStringSubmatch(line); m != nil {
			inTable = append(inTable, m[1])
		}
	}
	var offered []string
	for _, b := range keyaction.DefaultKeyMap(common.NewAccess(model.LocalAdmin("x"))).All() {
		offered = append(offered, b.Help().Key)
	}
	slices.Sort(inTable)
	slices.Sort(offered)
	if !slices.Equal(inTable, offered) {
		t.Errorf("the README's key actions are %v, the screens offer %v", inTable, offered)
	}
}
