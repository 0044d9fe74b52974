package wizard

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/ui/component/keypicker"

	"github.com/charmbracelet/lipgloss"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/component/codeview"
)

func TestCreateWithKeyShowsTheStoredCodeAndActivates(t *testing.T) {
	h := newHarness(t)
	h.toReview(tJane, "0003")
	h.wantScreen("IPI-0003", "It becomes Reserved for Jane Doe")
	h.press("enter")
	h.wantPage(pageResult)

	k, err := h.s.Key("IPI-0003")
	if err != nil {
		t.Fatal(err)
	}
	jane, err := h.s.Employee(tJane.Email)
	if err != nil {
		t.Fatalf("the employee was not stored: %v", err)
	}
	if k.Status != model.Reserved || k.EmployeeID != jane.ID || jane.KeyID != k.ID {
		t.Fatalf("key %s is %s for employee %d, want Reserved for %d (who holds key %d)",
			k.Serial, k.Status, k.EmployeeID, jane.ID, jane.KeyID)
	}
	code, err := h.s.ShowCode(tActor, store.Serial("IPI-0003"))
	if err != nil {
		t.Fatal(err)
	}
	h.wantScreen(model.GroupCode(code.Digits), model.SpellCode(code.Digits), "Jane Doe <jane.doe@example.com>")

	if _, err := h.s.DeviceEnterCode(tActor, "IPI-0003", code.Digits); err != nil {
		t.Fatalf("the code on screen does not activate the key: %v", err)
	}
	if k, _ := h.s.Key("IPI-0003"); k.Status != model.Active {
		t.Fatalf("key is %s after the code was entered, want Active", k.Status)
	}

	h.press("enter")
	if h.done == nil || h.done.Created == nil || h.done.Created.Employee.ID != jane.ID {
		t.Fatalf("want it finished with the created employee, got %+v", h.done)
	}
	if h.done.Created.Code == nil || h.done.Created.Code.Digits != code.Digits {
		t.Fatalf("it finished with code %+v, want %s", h.done.Created.Code, code.Digits)
	}
}

func TestCreateWithoutKey(t *testing.T) {
	h := newHarness(t)
	h.toReview(tJane, "")
	h.wantScreen("No key", "Assign one later")
	h.press("enter")
	h.wantPage(pageResult)
	h.wantScreen("Jane Doe was created", "No key was assigned")
	h.wantNotScreen("Activation code", "copy the code")

	jane, err := h.s.Employee(tJane.Email)
	if err != nil {
		t.Fatalf("the employee was not stored: %v", err)
	}
	if jane.KeyID != 0 || jane.Phone != tJane.Phone || jane.Department != tJane.Department {
		t.Fatalf("stored %+v", jane)
	}
	h.press("y") // no code to copy: nothing happens
	if h.done != nil {
		t.Fatal("y finished the wizard")
	}
	h.press("esc")
	if h.done == nil || h.done.Created == nil || h.done.Created.Code != nil {
		t.Fatalf("want it finished with an employee and no code, got %+v", h.done)
	}
}

func TestProfileValidationKeepsTheAdminOnTheField(t *testing.T) {
	t.Run("empty first name", func(t *testing.T) {
		h := newHarness(t)
		h.press("enter")
		h.wantPage(pageProfile)
		if got := h.w.focusedField(); got != 0 {
			t.Errorf("focus moved to field %d", got)
		}
		h.wantScreen("✗ First name is required")
		h.typeText("J") // typing clears the message
		h.wantNotScreen("is required")
	})
	t.Run("bad e-mail", func(t *testing.T) {
		h := newHarness(t)
		h.typeText("Jane")
		h.press("enter", "enter")
		h.typeText("jane@nowhere")
		h.press("enter")
		if got := h.w.focusedField(); got != fieldIndex("email") {
			t.Errorf("focus on field %d, want the e-mail", got)
		}
		h.wantScreen(`✗ E-mail "jane@nowhere" is not a valid address`)
	})
	t.Run("bad phone", func(t *testing.T) {
		h := newHarness(t)
		in := tJane
		in.Phone = "call me"
		h.fillProfile(in)
		h.wantPage(pageProfile)
		if got := h.w.focusedField(); got != fieldIndex("phone") {
			t.Errorf("focus on field %d, want the phone", got)
		}
		h.wantScreen("✗ Phone may hold only digits")
	})
	t.Run("e-mail taken in the database", func(t *testing.T) {
		h := newHarness(t)
		in := tJane
		in.Email = "SAM@example.com" // Sam Holder's, in other letter case
		h.fillProfile(in)
		h.wantPage(pageProfile)
		if got := h.w.focusedField(); got != fieldIndex("email") {
			t.Errorf("focus on field %d, want the e-mail", got)
		}
		h.wantScreen("✗ Another employee already has the e-mail sam@example.com")
		// A fixed e-mail goes through.
		h.press("backspace")
		h.wantNotScreen("already has")
		h.press("ctrl+u")
		h.typeText("jane@example.com")
		for range len(profileFields) - fieldIndex("email") {
			h.press("enter")
		}
		h.wantPage(pageKey)
	})
	t.Run("name taken in the database", func(t *testing.T) {
		h := newHarness(t)
		in := tJane
		in.FirstName, in.LastName = "sam", "HOLDER"
		h.fillProfile(in)
		h.wantPage(pageProfile)
		if got := h.w.focusedField(); got != 0 {
			t.Errorf("focus on field %d, want the first name", got)
		}
		h.wantScreen("✗ An employee named sam HOLDER already exists")
	})
}

func TestBackKeepsEverythingTyped(t *testing.T) {
	h := newHarness(t)
	h.toReview(tJane, "nfc")
	h.wantScreen("IPI-0003")

	h.press("esc") // Review -> Key
	h.wantPage(pageKey)
	if got := searchLine(h); !strings.HasSuffix(strings.TrimSpace(got), " nfc") {
		t.Errorf("search line is %q after Back, want the search %q", got, "nfc")
	}
	if k := h.w.picker.Selected(); k == nil || k.Serial != "IPI-0003" {
		t.Errorf("cursor is on %+v after Back, want the chosen IPI-0003", k)
	}
	h.press("shift+tab") // Key -> Person
	h.wantPage(pageProfile)
	if h.w.profile != tJane {
		t.Errorf("profile after Back is %+v, want %+v", h.w.profile, tJane)
	}
	h.wantScreen("Jane", "Doe", "jane.doe@example.com", "+1 555 0100", "Finance", "Accountant", "Contoso")

	// Change one field on the way forward: the rest is still there.
	h.press("enter", "enter", "enter", "enter")
	h.typeText(" & Tax")
	h.press("enter", "enter", "enter")
	h.wantPage(pageKey)
	h.press("down", "enter")
	h.wantPage(pageReview)
	h.wantScreen("Finance & Tax", "jane.doe@example.com", "IPI-0004")
}

func TestKeyTakenMeanwhileStoresNothing(t *testing.T) {
	h := newHarness(t)
	h.toReview(tJane, "0002")
	h.wantScreen("IPI-0002")

	// Another admin gives the same key to someone else.
	other := model.EmployeeInput{FirstName: "Olga", LastName: "Other", Email: "olga@example.com"}
	if _, err := h.s.AddEmployee(model.LocalAdmin("bob"), other, "IPI-0002"); err != nil {
		t.Fatal(err)
	}
	before := len(h.employees())

	h.press("enter")
	h.wantPage(pageKey)
	h.wantScreen("key IPI-0002 is no longer Ready", "someone else took it", "4 Ready keys")
	if _, err := h.s.Employee(tJane.Email); err == nil {
		t.Fatal("the employee was stored although the key was taken")
	}
	if after := len(h.employees()); after != before {
		t.Fatalf("%d employees before Create, %d after", before, after)
	}
	if slices.Contains(listed(h), "IPI-0002") {
		t.Fatal("the taken key is still offered")
	}
	if h.w.choice != nil {
		t.Fatalf("the taken key is still chosen: %+v", h.w.choice)
	}

	// Picking another key finishes the job.
	h.press("ctrl+u") // the old search finds nothing now
	h.wantScreen("4 Ready keys")
	h.press("down", "enter")
	h.wantPage(pageReview)
	h.wantNotScreen("no longer Ready")
	h.press("enter")
	h.wantPage(pageResult)
	if k, _ := h.s.Key("IPI-0001"); k.Status != model.Reserved {
		t.Fatalf("IPI-0001 is %s, want Reserved", k.Status)
	}
}

func TestEmailTakenMeanwhileGoesBackToTheField(t *testing.T) {
	h := newHarness(t)
	h.toReview(tJane, "")
	twin := model.EmployeeInput{FirstName: "Janet", LastName: "Twin", Email: tJane.Email}
	if _, err := h.s.AddEmployee(model.LocalAdmin("bob"), twin, ""); err != nil {
		t.Fatal(err)
	}
	h.press("enter")
	h.wantPage(pageProfile)
	if got := h.w.focusedField(); got != fieldIndex("email") {
		t.Errorf("focus on field %d, want the e-mail", got)
	}
	h.wantScreen("✗ Another employee already has the e-mail " + tJane.Email)
	if e, _ := h.s.Employee(tJane.Email); e.FirstName != "Janet" {
		t.Fatalf("the e-mail now belongs to %+v", e)
	}
}

func TestLeavingAsksFirstWhenSomethingWasTyped(t *testing.T) {
	t.Run("esc with nothing typed cancels at once", func(t *testing.T) {
		h := newHarness(t)
		if h.w.Dirty() {
			t.Fatal("a fresh wizard is dirty")
		}
		h.press("esc")
		if h.done == nil || h.done.Created != nil {
			t.Fatalf("want it finished with nothing created, got %+v", h.done)
		}
	})
	t.Run("esc with data asks; n stays; y discards", func(t *testing.T) {
		h := newHarness(t)
		h.typeText("Jane")
		if !h.w.Dirty() {
			t.Fatal("not dirty after typing")
		}
		h.press("esc")
		h.wantScreen("Discard this new employee?", "y discard", "n keep editing")
		h.press("q", "enter") // anything but y/n is ignored
		h.wantScreen("Discard this new employee?")
		h.press("n")
		h.wantNotScreen("Discard this")
		if h.done != nil || h.w.profile.FirstName != "Jane" {
			t.Fatalf("n lost the data: done=%+v first=%q", h.done, h.w.profile.FirstName)
		}
		h.typeText("t") // still typing into the same field
		if h.w.profile.FirstName != "Janet" {
			t.Fatalf("first name %q after n and typing", h.w.profile.FirstName)
		}
		h.press("esc", "y")
		if h.done == nil || h.done.Created != nil {
			t.Fatalf("want it finished with nothing created, got %+v", h.done)
		}
	})
	t.Run("ctrl+c on a later page asks too", func(t *testing.T) {
		h := newHarness(t)
		before := len(h.employees())
		h.toReview(tJane, "0001")
		h.press("ctrl+c")
		h.wantScreen("Discard this new employee?")
		h.press("esc") // esc answers no
		h.wantPage(pageReview)
		h.wantNotScreen("Discard this")
		h.press("ctrl+c", "y")
		if h.done == nil || h.done.Created != nil {
			t.Fatalf("want it finished with nothing created, got %+v", h.done)
		}
		if after := len(h.employees()); after != before {
			t.Fatalf("%d employees stored by a discarded wizard", after-before)
		}
		if k, _ := h.s.Key("IPI-0001"); k.Status != model.Ready {
			t.Fatalf("IPI-0001 is %s after a discarded wizard", k.Status)
		}
	})
	t.Run("not dirty once created", func(t *testing.T) {
		h := newHarness(t)
		h.toReview(tJane, "")
		h.press("enter")
		if h.w.Dirty() {
			t.Fatal("dirty on the result page")
		}
	})
}

func TestKeySearch(t *testing.T) {
	h := newHarness(t)
	h.fillProfile(tJane)
	h.wantPage(pageKey)
	h.wantScreen("5 Ready keys", "IPI-0001", "IPI-0005")
	h.wantNotScreen("IPI-0006") // held by Sam: not Ready

	cases := []struct {
		search string
		want   []string
	}{
		{"ipi key 3", []string{"IPI-0003", "IPI-0004", "IPI-0005"}}, // model, any case
		{"ff00", []string{"IPI-0005"}},                              // RFID
		{"0002", []string{"IPI-0002"}},                              // serial
		{"3.2.1", nil},                                              // firmware is not searched
	}
	for _, c := range cases {
		h.press("ctrl+u") // clear the search box
		h.typeText(c.search)
		got := listed(h)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("search %q matched %v, want %v", c.search, got, c.want)
		}
	}
	h.wantScreen("5 Ready keys, none match", "No key now")
	h.press("ctrl+u")
	h.typeText("0A1B2C0")
	h.wantScreen("5 Ready keys, 4 match")
	h.typeText("4")
	h.wantScreen("5 Ready keys, 1 matches", "> IPI-0004")
	h.press("backspace")
	h.wantScreen("5 Ready keys, 4 match")
}

func TestKeyListPaging(t *testing.T) {
	h := newHarness(t)
	rows := make([]store.KeyRow, 100)
	for i := range rows {
		rows[i] = store.KeyRow{Line: i + 2, KeyInput: model.KeyInput{Serial: "BULK-" + threeDigits(i)}}
	}
	if _, err := h.s.ImportKeys(tActor, rows); err != nil {
		t.Fatal(err)
	}
	h.fillProfile(tJane)
	h.wantScreen("105 Ready keys")
	visible := len(listed(h)) + 1 // the list lines on screen: "No key now" and the keys
	if visible < 10 {
		t.Fatalf("only %d rows visible at 80x24", visible)
	}

	check := func(key string, wantSerial string) {
		t.Helper()
		h.press(key)
		got := "No key now"
		if k := h.w.picker.Selected(); k != nil {
			got = k.Serial
		}
		if got != wantSerial {
			t.Errorf("after %s the cursor is on %s, want %s", key, got, wantSerial)
		}
		h.wantScreen("> " + wantSerial)
	}
	check("down", "BULK-000")
	check("pgdown", "BULK-"+threeDigits(visible))
	check("end", "IPI-0005")
	check("pgup", serialAt(105-visible))
	check("home", "No key now")
	check("up", "No key now")
}

func threeDigits(i int) string { return fmt.Sprintf("%03d", i) }

// serialAt names the key on list line i (line 0 is "No key now") of
// TestKeyListPaging: the 100 bulk keys, then the harness's Ready ones.
func serialAt(line int) string {
	if line <= 100 {
		return "BULK-" + threeDigits(line-1)
	}
	return fmt.Sprintf("IPI-%04d", line-100)
}

// searchLine is the Key page's search line as shown.
func searchLine(h *harness) string {
	for _, l := range strings.Split(h.w.View(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "Search") {
			return l
		}
	}
	return ""
}

// listed is the serials the Key page lists on screen, in order.
func listed(h *harness) []string {
	var out []string
	heading := false
	for _, l := range strings.Split(h.w.View(), "\n") {
		fields := strings.Fields(strings.TrimPrefix(l, "> "))
		switch {
		case len(fields) >= 4 && fields[0] == "Serial" && fields[1] == "Model":
			heading = true
		case !heading || len(fields) == 0 || strings.HasPrefix(strings.TrimSpace(l), "No key now") || strings.HasPrefix(strings.TrimSpace(l), "> No key now"):
		case strings.Contains(fields[0], "-"):
			out = append(out, fields[0])
		default:
			return out // the help line
		}
	}
	return out
}

func TestStaleStoreAnswersAreDropped(t *testing.T) {
	h := newHarness(t)
	h.fillProfile(tJane)
	h.wantPage(pageKey)
	// A late answer to an earlier request must not move the wizard.
	h.send(profileCheckedMsg{id: h.w.request - 1, profile: tHolder})
	h.send(createdMsg{id: h.w.request - 1})
	h.wantPage(pageKey)
	if h.w.checked.Email != tJane.Email {
		t.Fatalf("a stale answer replaced the profile: %+v", h.w.checked)
	}
}

func TestResizeKeepsTypedDataAndFits(t *testing.T) {
	h := newHarness(t)
	h.typeText("Jane")
	h.press("enter")
	h.typeText("Do")
	for _, size := range [][2]int{{120, 40}, {60, 18}, {80, 24}} {
		h.w.SetSize(size[0], size[1])
		wantFits(t, h.w.View(), size[0], size[1])
	}
	h.typeText("e")
	if h.w.profile.FirstName != "Jane" || h.w.profile.LastName != "Doe" {
		t.Fatalf("after resizing: %+v", h.w.profile)
	}
	if got := h.w.focusedField(); got != 1 {
		t.Fatalf("focus moved to field %d on resize", got)
	}
}

func TestEveryPageFits(t *testing.T) {
	sizes := [][2]int{{80, 24}, {60, 16}, {120, 40}, {40, 12}}
	for _, size := range sizes {
		h := newHarness(t)
		h.w.SetSize(size[0], size[1])
		check := func(what string) {
			t.Helper()
			if !wantFits(t, h.w.View(), size[0], size[1]) {
				t.Logf("%dx%d %s", size[0], size[1], what)
			}
		}
		check("profile")
		h.press("enter")
		check("profile with a problem")
		h.typeText("J")
		h.press("esc")
		check("confirmation")
		h.press("n", "backspace")
		h.toReview(model.EmployeeInput{FirstName: strings.Repeat("Longname", 8), Email: strings.Repeat("x", 60) + "@example.com"}, "0001")
		check("review")
		h.press("esc")
		check("key")
		h.press("enter", "enter")
		check("result")
	}
}

// wantFits reports an error unless view is exactly height lines of at
// most width columns.
func wantFits(t *testing.T, view string, width, height int) bool {
	t.Helper()
	lines := strings.Split(view, "\n")
	ok := len(lines) == height
	if !ok {
		t.Errorf("%d lines, want %d", len(lines), height)
	}
	for i, l := range lines {
		if w := lipgloss.Width(l); w > width {
			t.Errorf("line %d is %d wide (max %d): %q", i, w, width, l)
			ok = false
		}
	}
	return ok
}

func TestKeyDataIsShownNotExecuted(t *testing.T) {
	h := newHarness(t)
	h.fillProfile(tJane)
	// The store refuses such data; the screens must not trust that.
	evil := keypicker.NewKey(model.Key{Serial: "EVIL-1", Model: "Key\x1b[2J\x1b]52;c;aGk=\x07", RFID: "\u202eRFID"})
	h.send(keysLoadedMsg{id: h.w.request, rows: []keypicker.Key{evil}})
	check := func(page string) {
		t.Helper()
		view := h.w.View()
		if strings.ContainsAny(view, "\x1b\x07\u202e") {
			t.Errorf("%s page: a control character from the data reached the screen:\n%q", page, view)
		}
		if !strings.Contains(view, "Key␛[2J") {
			t.Errorf("%s page: the escape is not shown as text:\n%s", page, view)
		}
	}
	check("key")
	h.press("down", "enter")
	h.wantPage(pageReview)
	check("review")
}

// TestResultShowsTheBigDigitsBelowTheAppHeader: inside the app at 80x24
// the wizard gets 80x21; the code must still be in big digits, whole, and
// nothing in it wrapped.
func TestResultShowsTheBigDigitsBelowTheAppHeader(t *testing.T) {
	for _, size := range [][2]int{{80, 21}, {80, 24}, {200, 57}} {
		h := newHarness(t)
		h.w.SetSize(size[0], size[1])
		h.toReview(tJane, "0003")
		h.press("enter")
		h.wantPage(pageResult)
		view := h.w.View()
		wantFits(t, view, size[0], size[1])
		bigRow := strings.Split(codeview.BigDigits(h.w.created.Code.Digits), "\n")[0]
		for _, want := range []string{bigRow, "(in 7 days)", "Jane Doe <jane.doe@example.com>", "╚", "was created"} {
			if !strings.Contains(view, want) {
				t.Errorf("%dx%d: %q missing or wrapped:\n%s", size[0], size[1], want, view)
			}
		}
	}
}
