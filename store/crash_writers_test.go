package store

import (
	"bufio"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// Many writers sharing commits, killed at any moment: every write the
// child reported done is on disk, and the file is whole.

const (
	crashWritersEnv = "KEYDESK_CRASH_WRITERS" // the database path, in the child
	crashWriters    = 20
	crashKeysEach   = 100
)

func crashSerial(w, k int) string { return fmt.Sprintf("CW%02d-%03d", w, k) }
func crashEmail(w, k int) string  { return fmt.Sprintf("cw%02d.%03d@example.com", w, k) }

// TestCrashWritersChild is the process that gets killed: each writer
// assigns its keys, tries to assign each a second time (refused), and
// activates it, printing what was done once the store said so.
func TestCrashWritersChild(t *testing.T) {
	path := os.Getenv(crashWritersEnv)
	if path == "" {
		t.Skip("runs only as the child of TestCrashDuringGroupCommits")
	}
	s, err := Open(path, Options{}) // real fsync
	if err != nil {
		t.Fatal(err)
	}
	writer := model.LocalAdmin("writer")
	var out sync.Mutex
	report := func(format string, args ...any) {
		out.Lock()
		fmt.Printf(format+"\n", args...)
		out.Unlock()
	}
	report("starting")
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range crashKeysEach {
				view, err := s.AssignKey(writer, Serial(crashSerial(w, k)), crashEmail(w, k))
				if err != nil {
					report("error %v", err)
					return
				}
				report("assigned %s", crashSerial(w, k))
				if _, err := s.AssignKey(writer, Serial(crashSerial(w, k)), crashEmail(w, (k+1)%crashKeysEach)); !model.IsRefusal(err) {
					report("error a second assignment: %v", err)
					return
				}
				if _, err := s.DeviceEnterCode(writer, crashSerial(w, k), view.Digits); err != nil {
					report("error %v", err)
					return
				}
				report("activated %s", crashSerial(w, k))
			}
		}()
	}
	wg.Wait()
	report("done")
	s.Close()
}

func TestCrashDuringGroupCommits(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process three times")
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d", seed)
	for round := range 3 {
		path := filepath.Join(t.TempDir(), "writers.db")
		prepareCrashWriters(t, path)
		delay := time.Duration(rng.Int64N(int64(time.Second)))
		done := crashWritersAt(t, path, delay)
		t.Logf("round %d: killed %v after the writers started; %d writes reported, finished: %v", round, delay, len(done), done["done"])
		checkWritersAfterCrash(t, path, done)
	}
}

func prepareCrashWriters(t *testing.T, path string) {
	t.Helper()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var keys []KeyRow
	var people []EmployeeRow
	for w := range crashWriters {
		for k := range crashKeysEach {
			keys = append(keys, KeyRow{Line: len(keys) + 2, KeyInput: model.KeyInput{Serial: crashSerial(w, k)}})
			people = append(people, EmployeeRow{Line: len(people) + 2, EmployeeInput: model.EmployeeInput{
				FirstName: "Writer", LastName: fmt.Sprintf("%02d-%03d", w, k), Email: crashEmail(w, k)}})
		}
	}
	if _, err := s.ImportKeys(model.LocalAdmin("setup"), keys); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportEmployees(model.LocalAdmin("setup"), people); err != nil {
		t.Fatal(err)
	}
}

// crashWritersAt runs the child, kills it delay after its writers start
// and returns the lines it reported ("assigned SERIAL", ...).
func crashWritersAt(t *testing.T, path string, delay time.Duration) map[string]bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWritersChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashWritersEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "starting" {
		cmd.Wait()
		t.Fatalf("the child did not start its writers")
	}
	timer := time.AfterFunc(delay, func() { cmd.Process.Kill() }) // SIGKILL
	defer timer.Stop()
	done := map[string]bool{}
	for lines.Scan() {
		line := lines.Text()
		if strings.HasPrefix(line, "error") {
			t.Errorf("child: %s", line)
		}
		done[line] = true
	}
	cmd.Wait() // killed, or finished: both are expected
	return done
}

func checkWritersAfterCrash(t *testing.T, path string, reported map[string]bool) {
	t.Helper()
	s, err := Open(path, Options{LockTimeout: 5 * time.Second, NoSync: true})
	if err != nil {
		t.Fatalf("the database does not open after the crash: %v", err)
	}
	defer s.Close()
	if err := s.DB().View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("bbolt consistency check: %v", err)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyAudit(); err != nil {
		t.Errorf("audit after the crash: %v", err)
	}
	for w := range crashWriters {
		for k := range crashKeysEach {
			serial := crashSerial(w, k)
			key := tKey(t, s, serial)
			switch {
			case reported["activated "+serial] && key.Status != model.Active:
				t.Errorf("%s was reported activated but is %v", serial, key.Status)
			case reported["assigned "+serial] && key.Status != model.Reserved && key.Status != model.Active:
				t.Errorf("%s was reported assigned but is %v", serial, key.Status)
			}
		}
	}
	tCheckConsistent(t, s)
}

// tCheckConsistent checks what the store derives from the trail and the
// records against them: every history, the status counts, the ties
// between keys and employees.
func tCheckConsistent(t *testing.T, s *Store) {
	t.Helper()
	trail := tAudit(t, s)
	snap, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	byKey, byEmployee := map[uint64][]model.AuditEntry{}, map[uint64][]model.AuditEntry{}
	for i := len(trail) - 1; i >= 0; i-- {
		e := trail[i]
		if e.KeyID != 0 {
			byKey[e.KeyID] = append(byKey[e.KeyID], e)
		}
		if e.EmployeeID != 0 {
			byEmployee[e.EmployeeID] = append(byEmployee[e.EmployeeID], e)
		}
	}
	employees := map[uint64]model.Employee{}
	for _, e := range snap.Employees {
		employees[e.ID] = e
		if got, err := s.EmployeeHistory(e.ID); err != nil || !reflect.DeepEqual(got, byEmployee[e.ID]) {
			t.Errorf("employee %d: history of %d entries (%v), the trail has %d", e.ID, len(got), err, len(byEmployee[e.ID]))
		}
	}
	for _, k := range snap.Keys {
		if got, err := s.KeyHistory(k.ID); err != nil || !reflect.DeepEqual(got, byKey[k.ID]) {
			t.Errorf("key %d: history of %d entries (%v), the trail has %d", k.ID, len(got), err, len(byKey[k.ID]))
		}
		if k.EmployeeID != 0 && employees[k.EmployeeID].KeyID != k.ID {
			t.Errorf("key %s is tied to employee %d, who holds %d", k.Serial, k.EmployeeID, employees[k.EmployeeID].KeyID)
		}
	}
	if counts, err := s.StatusCounts(); err != nil || !maps.Equal(counts, snap.Counts()) {
		t.Errorf("status counts %v (%v), the keys say %v", counts, err, snap.Counts())
	}
}
