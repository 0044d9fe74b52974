package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/ui/component/importfile"
)

// footer is the last line of the screen: the keys that work here.
func (d *driver) footer() string {
	v := d.view()
	return v[strings.LastIndex(v, "\n")+1:]
}

func TestImportOverSSHIsNotOfferedAndSaysHow(t *testing.T) {
	d := newDriverWith(t, Config{Store: tFixtureStore(t), Remote: true}, 80, 24)
	d.press("2")
	if f := d.footer(); strings.Contains(f, "import") || !strings.Contains(f, "q quit") {
		t.Fatalf("footer over SSH: %q", f)
	}
	for _, group := range d.app.keysTab.FullHelp() {
		for _, b := range group {
			if b.Help().Desc == "import" {
				t.Fatal("the full help offers import over SSH")
			}
		}
	}
	d.press("i")
	if d.app.dialog != nil {
		t.Fatalf("i opened a dialog over SSH:\n%s", d.view())
	}
	d.mustSee(importfile.RemoteHint("keys"))
	d.press("?", "G") // the help scrolls: the notes are at its end
	d.mustSee("Over SSH, import from your machine: ssh … import keys - < keys.csv")
}

func TestImportIsOfferedLocally(t *testing.T) {
	d := newDriver(t, tFixtureStore(t), 100, 24)
	d.press("2")
	if f := d.footer(); !strings.Contains(f, "i import") {
		t.Fatalf("footer: %q", f)
	}
	d.press("i")
	d.mustSee("Import keys")
	d.mustNotSee(importfile.RemoteHint("keys"))
}

func TestImportRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	paths := []string{dir}
	if _, err := os.Stat("/dev/zero"); err == nil {
		paths = append(paths, "/dev/zero") // read whole, it would fill the memory
	}
	for _, path := range paths {
		st := tFixtureStore(t)
		d := newDriver(t, st, 100, 24)
		d.press("2", "i", path, "enter")
		d.mustSee(path + " is not a regular file")
		if n := len(d.app.idx.Keys); n != 10 {
			t.Fatalf("%s: %d keys after a refused import", path, n)
		}
	}
}

// One import at a time: while another runs, the screen says whose.
func TestImportWhileAnotherRunsSaysWhose(t *testing.T) {
	st := tFixtureStore(t)
	path := filepath.Join(t.TempDir(), "keys.csv")
	if err := os.WriteFile(path, []byte("serial\nNEW-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	done, err := st.BeginImport(model.LocalAdmin("bob"), model.OpImportKeys)
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, 120, 24)
	d.press("2", "i", path, "enter")
	d.mustSee("an import by bob (admin, local) is running on this database")
	done()
	d.press("i") // the path typed before is offered again
	d.mustSee(filepath.Base(path))
	d.press("enter")
	d.mustSee("imported 1 key from keys.csv")
}
