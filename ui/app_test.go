package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/dustin/go-humanize"
	"github.com/keydesk/keydesk/model"
)

func TestStartsOnEmployeesWithCountsInTheHeader(t *testing.T) {
	st := tDemoStore(t)
	d := newDriver(t, st, 160, 48)
	snap, _ := st.Snapshot()
	counts := snap.Counts()
	d.mustSee("[1 Employees]", "2 Keys", "3 Audit", "alice")
	for _, s := range model.Statuses {
		d.mustSee(s.String() + " " + itoa(counts[s]))
	}
	d.mustSee("40 of 40", "sorted by name")

	// At 80 columns the header is two lines: the counts that call for
	// action stay, the others give way to "…".
	d.send(resize(80, 24))
	lines := strings.Split(d.view(), "\n")
	if !strings.Contains(lines[1], "Locked "+itoa(counts[model.Locked])) || !strings.Contains(lines[1], "Suspended "+itoa(counts[model.Suspended])) || !strings.HasSuffix(strings.TrimRight(lines[1], " "), "…") {
		t.Errorf("the counts line at 80 columns: %q", lines[1])
	}
	if !strings.HasPrefix(lines[2], "Employees  40 of 40") {
		t.Errorf("the header is more than two lines: the third is %q", lines[2])
	}
}

func TestEveryLineFitsTheTerminal(t *testing.T) {
	st := tDemoStore(t)
	for _, size := range [][2]int{{80, 24}, {200, 60}, {60, 16}} {
		d := newDriver(t, st, size[0], size[1])
		for _, tab := range []string{"1", "2", "3", "4", "0"} {
			d.press(tab)
			lines := strings.Split(d.view(), "\n")
			if len(lines) != size[1] {
				t.Errorf("%dx%d tab %s: %d lines", size[0], size[1], tab, len(lines))
			}
			for _, l := range lines {
				if w := lipgloss.Width(l); w > size[0] {
					t.Errorf("%dx%d tab %s: line %d wide: %q", size[0], size[1], tab, w, l)
				}
			}
		}
	}
}

func TestTooSmallSaysSo(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 59, 20)
	d.mustSee("terminal too small: at least 60x16")
	d.send(resize(60, 15))
	d.mustSee("terminal too small: at least 60x16")
	d.send(resize(60, 16))
	d.mustNotSee("terminal too small")
	d.mustSee("Employees")
}

func TestSwitchingScreens(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 80, 24)
	d.press("2")
	d.mustSee("[2 Keys]", "no filter")
	d.press("3")
	d.mustSee("[3 Audit]", "Chain verified")
	d.press("tab")
	d.mustSee("[4 Settings]", "Mail server")
	d.press("tab")
	d.mustSee("[5 Profiles]", "Access profiles", "Default", "High security")
	d.press("tab")
	d.mustSee("[0 Call]", "Caller")
	d.press("tab") // the call screen's search line does not keep tab
	d.mustSee("[1 Employees]")
	d.press("shift+tab", "shift+tab")
	d.mustSee("[5 Profiles]")
	d.press("shift+tab")
	d.mustSee("[4 Settings]")
	d.press("5")
	d.mustSee("[5 Profiles]")
	d.press("0")
	d.mustSee("[0 Call]")
	d.press("esc", "4")
	d.mustSee("[4 Settings]")
	d.press("1")
	d.mustSee("[1 Employees]")
}

func TestGlobalKeysAreOffWhileTyping(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 80, 24)
	d.press("/", "q2?")
	if d.quit {
		t.Fatal("q quit while typing a search")
	}
	d.mustSee("[1 Employees]", "/ q2?")
	d.press("esc")
	d.mustNotSee("/ q2?")
	d.press("q")
	if !d.quit {
		t.Fatal("q did not quit")
	}
}

func TestCtrlCQuitsEvenWhileTyping(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 80, 24)
	d.press("/", "abc", "ctrl+c")
	if !d.quit {
		t.Fatal("ctrl+c did not quit")
	}
}

func TestCtrlCQuitsFromADialog(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Active)
	d := newDriver(t, st, 80, 24)
	d.press("2", "/", k.Serial, "enter", "R", "ctrl+c")
	if !d.quit {
		t.Fatal("ctrl+c did not quit from the remove dialog")
	}
}

func TestCtrlCAsksBeforeDroppingAnEdit(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 100, 30)
	d.press("e", "x", "ctrl+c")
	if d.quit {
		t.Fatal("quit without asking while the edit form was open")
	}
	d.mustSee("Quit keydesk?", "not saved")
	d.press("ctrl+c")
	if !d.quit {
		t.Fatal("a second ctrl+c did not quit")
	}
}

func TestHelpListsTheScreensKeys(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 80, 24)
	d.press("2", "?")
	d.mustSee("Keys of the Keys screen", "f     filter", "w     waiting", "import", "compromised", "wiped", "p profile", "more lines below")
	d.press("G") // it scrolls, to the keys that work everywhere
	d.mustSee("? help", "q quit", "end of the help")
	d.press("esc")
	d.mustNotSee("Keys of the Keys screen")
	d.mustSee("no filter")
}

func TestFooterShowsTheKeysOfTheScreen(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 120, 30)
	d.mustSee("n new", "e edit", "D delete", "? help", "q quit")
	d.press("2")
	d.mustSee("f filter", "i import")
}

func TestEmployeesSearchAndClear(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 80, 24)
	d.press("/", "RESEARCH")
	d.mustSee("Alan Turing", "Katherine Johns", "Barbara Liskov", "3 of 7")
	d.mustNotSee("Ada Lovelace")
	d.press("enter") // keeps the search, leaves the line
	d.press("j")     // moves, does not type
	d.mustSee("/ RESEARCH", "3 of 7")
	d.press("esc")
	d.mustSee("7 of 7", "Ada Lovelace")
}

func TestEmployeesSortCycles(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 80, 24)
	for _, by := range []string{"e-mail", "department", "key status", "name"} {
		d.press("o")
		d.mustSee("sorted by " + by)
	}
}

// f opens one picker, the same as the Employees list's: a status and a
// licence status combine, the filter is always named with how to clear
// it, and one esc clears it.
func TestKeysFilterPickerCombinesAndIsAlwaysShown(t *testing.T) {
	st := tDemoStore(t)
	d := newDriver(t, st, 80, 24)
	snap, _ := st.Snapshot()
	counts := snap.Counts()
	both := map[model.Status]int{}
	expired := 0
	for _, k := range snap.Keys {
		if model.LicenceStatusOf(k.LicenceUntil, tNow) == model.LicenceExpired {
			both[k.Status]++
			expired++
		}
	}
	d.press("2")
	d.mustSee("40 of 40 · no filter")
	for _, s := range model.Statuses {
		d.press("f")
		d.mustSee("Show the keys…", "reported lost, for an admin")
		d.press(strings.ToLower(s.String()), "enter")
		d.mustSee(itoa(counts[s]) + " of 40 · filter: " + s.String() + " · esc clears it")
	}
	d.press("f", "expired", "enter")
	d.mustSee(itoa(both[model.Compromised]) + " of 40 · filter: Compromised + licence expired · esc clears it")
	d.press("f", "no filter", "enter")
	d.mustSee("40 of 40 · no filter")
	d.press("f", "expired", "enter")
	d.mustSee(itoa(expired) + " of 40 · filter: licence expired")
	d.press("esc")
	d.mustSee("40 of 40 · no filter")

	// A search that the filter empties says so.
	d.press("f", "ready", "enter", "/", "no-such-key-zz", "enter")
	d.mustSee("0 of 40 · filter: Ready · esc clears it", "the filter (Ready) hides the others")
}

func TestKeysSearchByMACWithoutColons(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Active)
	d := newDriver(t, st, 80, 24)
	d.press("2", "/", strings.ToLower(strings.ReplaceAll(k.MAC, ":", "")), "enter")
	d.mustSee("1 of 40", k.Serial)
}

func TestKeyDetailsOffersOnlyWhatTheStatusAllows(t *testing.T) {
	st := tDemoStore(t)
	for _, s := range model.Statuses {
		k := keyIn(t, st, s)
		d := newDriver(t, st, 120, 30)
		d.press("2", "/", k.Serial, "enter", "enter")
		d.mustSee("Key "+k.Serial, "History (")
		actions := actionsLine(t, d.view())
		for _, b := range []struct {
			word string
			ev   model.EventKind
		}{{"assign", model.EventAssign}, {"reissue code", model.EventReissue}, {"suspend", model.EventSuspend},
			{"unlock", model.EventUnlock}, {"remove", model.EventRemove}, {"compromised", model.EventCompromise},
			{"wiped", model.EventWiped}} {
			if got := strings.Contains(actions, b.word); got != model.Allows(s, b.ev) {
				t.Errorf("%s key: %q offered = %v, model allows = %v (%q)", s, b.word, got, !got, actions)
			}
		}
		if got := strings.Contains(actions, "show code"); got != s.HasCode() {
			t.Errorf("%s key: show code offered = %v", s, got)
		}
	}
}

// actionsLine is the "Actions" part of a details page.
func actionsLine(t *testing.T, view string) string {
	t.Helper()
	i := strings.Index(view, "Actions")
	j := strings.Index(view, "History (")
	if i < 0 || j < i {
		t.Fatalf("no actions on the page:\n%s", view)
	}
	return view[i:j]
}

func TestActionNotAllowedDoesNothing(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Active)
	d := newDriver(t, st, 80, 24)
	d.press("2", "/", k.Serial, "enter")
	d.press("W", "u", "r", "a") // wiped, unlock, reissue, assign: not for an Active key
	if d.app.dialog != nil || d.app.code != nil {
		t.Fatal("an action the status does not allow opened something")
	}
	if got := statusOf(t, st, k.Serial); got != model.Active {
		t.Fatalf("key is %s", got)
	}
}

func TestActingOnAKeyChangedMeanwhileIsRefused(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Active)
	d := newDriver(t, st, 80, 24)
	d.press("2", "/", k.Serial, "enter", "s") // the suspend dialog, on the revision seen
	d.mustSee("Suspend key " + k.Serial)
	// Another admin locks it meanwhile.
	if _, err := st.DevicePinLocked(tActor, k.Serial); err != nil {
		t.Fatal(err)
	}
	d.press("enter")
	d.mustSee("changed while you were looking at it")
	if got := statusOf(t, st, k.Serial); got != model.Locked {
		t.Fatalf("key is %s, want Locked", got)
	}
	d.press("j") // the next key clears the line
	d.mustNotSee("changed while you were looking at it")
}

func TestDeleteEmployeeWithAKeyShowsTheRefusal(t *testing.T) {
	st := tDemoStore(t)
	d := newDriver(t, st, 100, 24)
	// The demo's first employees hold keys; find one by its key status.
	k := keyIn(t, st, model.Active)
	e := holderOf(t, st, k)
	d.press("/", e.Email, "enter", "D")
	d.mustSee("holds key " + k.Serial + ": remove the key first (R)") // said at once, not offered
	if d.app.dialog != nil {
		t.Fatal("D offered a deletion that cannot succeed")
	}
	if _, err := st.Employee(e.Email); err != nil {
		t.Fatalf("employee was deleted: %v", err)
	}
}

func TestDeleteEmployeeWithoutAKey(t *testing.T) {
	st := tDemoStore(t)
	_, err := st.AddEmployee(tActor, model.EmployeeInput{FirstName: "Zoe", LastName: "Free", Email: "zoe@example.com"}, "")
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, 100, 24)
	d.press("/", "zoe@", "enter", "D", "n")
	if _, err := st.Employee("zoe@example.com"); err != nil {
		t.Fatal("n did not cancel")
	}
	d.press("D", "y")
	d.mustSee("deleted Zoe Free")
	if _, err := st.Employee("zoe@example.com"); err == nil {
		t.Fatal("employee still there")
	}
	d.reload()
	d.mustSee("0 of 40")
}

func TestEditEmployeeSaves(t *testing.T) {
	st := tFixtureStore(t)
	d := newDriver(t, st, 100, 30)
	d.press("/", "grace@", "enter", "e")
	d.mustSee("Edit Grace Hopper", "First name")
	// Through first name, last name, e-mail, phone and department, then
	// the position is replaced, and the form saves on the company's enter.
	d.press("enter", "enter", "enter", "enter", "enter")
	for range 40 {
		d.press("backspace")
	}
	d.press("Chief Tester", "enter", "enter")
	e, err := st.Employee("grace@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if e.Position != "Chief Tester" {
		t.Fatalf("position is %q", e.Position)
	}
	d.mustSee("saved Grace Hopper")
}

func TestEditEmployeeShowsTheStoresFieldError(t *testing.T) {
	st := tFixtureStore(t)
	d := newDriver(t, st, 100, 30)
	d.press("/", "grace@", "enter", "e", "enter", "enter")
	for range 60 {
		d.press("backspace")
	}
	d.press("ada@example.com") // another employee's address
	d.press("enter", "enter", "enter", "enter", "enter")
	d.mustSee("Edit Grace Hopper", "another employee already has the e-mail ada@example.com")
	// Fix it: the form saves.
	for range 60 {
		d.press("backspace")
	}
	d.press("grace.new@example.com", "enter", "enter", "enter", "enter", "enter")
	if _, err := st.Employee("grace.new@example.com"); err != nil {
		t.Fatalf("not saved: %v\n%s", err, d.view())
	}
}

func TestEditEmployeeEscCancels(t *testing.T) {
	st := tFixtureStore(t)
	d := newDriver(t, st, 100, 30)
	d.press("/", "grace@", "enter", "e", "XYZ", "esc")
	d.mustSee("Drop your changes to Grace Hopper?") // asked first, as the wizard does
	d.press("n")
	d.mustSee("Edit Grace Hopper", "First name *", "E-mail *")
	d.press("esc", "y")
	d.mustNotSee("Edit Grace Hopper")
	e, _ := st.Employee("grace@example.com")
	if strings.Contains(e.FirstName, "XYZ") {
		t.Fatal("cancelled edit was saved")
	}
	d.press("q")
	if !d.quit {
		t.Fatal("q does not quit after the form closed")
	}
}

func TestEmployeeDetailsShowsKeyHistoryAndActions(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Suspended)
	e := holderOf(t, st, k)
	d := newDriver(t, st, 120, 30)
	d.press("/", e.Email, "enter", "enter")
	d.mustSee(e.FullName(), "E-mail", e.Email, "Key", k.Serial, "Suspended", "History (", "key suspended",
		"e edit", "D delete", "c show code", "r reissue code")
	d.press("enter") // opens the key
	d.mustSee("[2 Keys]", "Key "+k.Serial)
	d.press("enter") // and back to its employee
	d.mustSee("[1 Employees]", e.Email)
	d.press("esc") // back where each jump came from: the key, then the employee
	d.mustSee("[2 Keys]", "Key "+k.Serial)
	d.press("esc")
	d.mustSee("[1 Employees]", e.Email, "History (")
	d.press("esc")
	d.mustSee("1 of 40")
}

func TestAssignFromAnEmployeeWithoutAKey(t *testing.T) {
	st := tDemoStore(t)
	if _, err := st.AddEmployee(tActor, model.EmployeeInput{FirstName: "Nina", LastName: "New", Email: "nina@example.com"}, ""); err != nil {
		t.Fatal(err)
	}
	ready := keyIn(t, st, model.Ready)
	d := newDriver(t, st, 100, 30)
	d.press("/", "nina@", "enter", "enter")
	d.mustSee("Key", "none", "a assign")
	d.press("a")
	d.mustSee("Give Nina New a key", "Ready keys")
	d.press(ready.Serial, "enter")
	d.mustSee("Activation code", ready.Serial, "Nina New")
	if got := statusOf(t, st, ready.Serial); got != model.Reserved {
		t.Fatalf("key is %s", got)
	}
}

func TestImportKeysFromAFile(t *testing.T) {
	st := tDemoStore(t)
	dir := t.TempDir()
	good := writeFile(t, dir, "good.csv", "serial,mac,model\nNEW-1,,IPI Key 4\nNEW-2,,IPI Key 4\n")
	d := newDriver(t, st, 100, 30)
	d.press("2", "i")
	d.mustSee("Import keys", "serial,mac,model,firmware,rfid")
	d.press(good, "enter")
	d.mustSee("imported 2 keys from good.csv")
	if got := statusOf(t, st, "NEW-1"); got != model.Ready {
		t.Fatalf("NEW-1 is %s", got)
	}
}

func TestImportKeysListsEveryBadLine(t *testing.T) {
	st := tDemoStore(t)
	dir := t.TempDir()
	existing := keyIn(t, st, model.Ready).Serial
	bad := writeFile(t, dir, "bad.csv", "serial,mac\nOK-1,\n"+existing+",\nBAD SERIAL,\nOK-2,zz\n")
	d := newDriver(t, st, 100, 30)
	d.press("2", "i", bad, "enter")
	d.mustSee("Nothing imported: 3 problems", "line 3: serial "+existing+" is already in the stock",
		"line 4:", "line 5: MAC address")
	if _, err := st.Key("OK-1"); err == nil {
		t.Fatal("a row was imported from a refused file")
	}
	d.press("esc")
	d.mustNotSee("Nothing imported")
}

func TestImportKeysMissingFile(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 100, 30)
	d.press("2", "i", "/no/such/file.csv", "enter")
	d.mustSee("there is no file /no/such/file.csv")
}

func TestAuditSearchesTheWholeTrail(t *testing.T) {
	st := tDemoStore(t)
	k := keyIn(t, st, model.Compromised)
	d := newDriver(t, st, 120, 30)
	d.press("3")
	d.mustSee("Chain verified", "entries · head ")
	d.press("/", strings.ToLower(k.Serial))
	d.mustSee("entry ", "key compromised", "key imported")
	d.mustNotSee("searching…")
	d.press("enter", "enter") // keep the search; open the newest match
	d.mustSee("Audit entry", "Hash", "Previous hash")
}

func TestAuditChainStateShowsTheHead(t *testing.T) {
	st := tDemoStore(t)
	state, err := st.VerifyAudit()
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, 200, 40)
	d.press("3")
	d.mustSee("Chain verified · "+itoa(int(state.Entries))+" entries · head "+state.HeadHash, "entry "+itoa(int(state.Entries))+" of "+itoa(int(state.Entries)))
}

func TestChangesMadeElsewhereAppearOnReload(t *testing.T) {
	st := tDemoStore(t)
	d := newDriver(t, st, 80, 24)
	d.mustSee("40 of 40")
	if _, err := st.AddEmployee(model.LocalAdmin("bob"), model.EmployeeInput{FirstName: "Other", LastName: "Session", Email: "other@example.com"}, ""); err != nil {
		t.Fatal(err)
	}
	d.reload()
	d.mustSee("41 of 41")
}

func TestWizardOpensAndCancels(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 100, 30)
	d.press("n")
	d.mustSee("New employee", "1 Person")
	d.press("q") // typed into the form, not quitting
	if d.quit {
		t.Fatal("q quit from the wizard")
	}
	d.press("esc")
	d.mustSee("Discard")
	d.press("y")
	d.mustNotSee("New employee")
	d.mustSee("40 of 40")
}

func TestWizardCreatesAndSelectsTheEmployee(t *testing.T) {
	st := tDemoStore(t)
	d := newDriver(t, st, 100, 30)
	d.press("n", "Ada", "enter", "Lovelace", "enter", "ada@example.com", "enter", "enter", "enter", "enter")
	d.mustSee("Key")
	// Choose the first row of the key page, create, and finish.
	for i := 0; i < 5 && d.app.wizard != nil; i++ {
		d.press("enter")
	}
	if d.app.wizard != nil {
		t.Fatalf("the wizard is still open:\n%s", d.view())
	}
	if _, err := st.Employee("ada@example.com"); err != nil {
		t.Fatalf("not created: %v", err)
	}
	d.mustSee("created Ada Lovelace")
	d.reload()
	e, ok := d.app.employees.Current()
	if !ok || e.RawEmail() != "ada@example.com" {
		t.Fatalf("new employee not selected:\n%s", d.view())
	}
}

func itoa(n int) string { return humanize.Comma(int64(n)) }

func resize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ctrl+c is one rule everywhere: it quits keydesk, and asks first only
// when a form holds what would be lost. An edit form opened and left
// unchanged loses nothing.
func TestCtrlCQuitsAnUnchangedEditForm(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 100, 30)
	d.press("e", "ctrl+c")
	if !d.quit {
		t.Fatalf("ctrl+c did not quit from an unchanged edit form:\n%s", d.view())
	}
}

// In the wizard ctrl+c does what it does in the employee form: with
// something typed it asks "Quit keydesk?" (no keeps the wizard and what
// was typed), and quits once confirmed; with nothing typed it quits.
func TestCtrlCInTheWizardAsksThenQuits(t *testing.T) {
	d := newDriver(t, tDemoStore(t), 100, 30)
	d.press("n", "Ada", "ctrl+c")
	if d.quit {
		t.Fatal("quit without asking while the wizard held typing")
	}
	d.mustSee("Quit keydesk?", "not saved")
	d.press("esc")
	d.mustNotSee("Quit keydesk?")
	d.mustSee("New employee", "Ada")
	d.press("ctrl+c")
	d.mustSee("Quit keydesk?")
	d.press("ctrl+c")
	if !d.quit {
		t.Fatal("a second ctrl+c did not quit")
	}

	d = newDriver(t, tDemoStore(t), 100, 30)
	d.press("n", "ctrl+c")
	if !d.quit {
		t.Fatalf("ctrl+c did not quit from an empty wizard:\n%s", d.view())
	}
}
