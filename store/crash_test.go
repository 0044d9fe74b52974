package store

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
	bolt "go.etcd.io/bbolt"
)

// A process killed in the middle of a write leaves the file as it was
// before the write or as it is after it, never in between: bbolt writes the
// new pages first and the meta page that points at them last.

const (
	crashChildEnv = "KEYDESK_CRASH_CHILD" // the database path, in the child
	crashKeys     = 100_000
)

// TestCrashChild is the process that gets killed: it imports crashKeys keys
// in one ImportKeys call. It does nothing unless TestCrashDuringImport
// started it.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("runs only as the child of TestCrashDuringImport")
	}
	s, err := Open(path, Options{}) // real fsync, as in production
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]KeyRow, crashKeys)
	for i := range rows {
		rows[i] = KeyRow{Line: i + 2, KeyInput: model.KeyInput{Serial: fmt.Sprintf("CR%08d", i),
			MAC: fmt.Sprintf("C0:FF:EE:%02X:%02X:%02X", byte(i>>16), byte(i>>8), byte(i)), Model: "IPI Key 4", RFID: fmt.Sprintf("RF%08X", i)}}
	}
	fmt.Println("starting")
	start := time.Now()
	if _, err := s.ImportKeys(model.LocalAdmin("importer"), rows); err != nil {
		t.Fatal(err)
	}
	fmt.Println("done in", time.Since(start).Round(time.Millisecond))
	s.Close()
}

func TestCrashDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 100,000 keys three times")
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d", seed)
	// Early (building the transaction in memory), middle, and late (the
	// commit, or after it).
	windows := [][2]time.Duration{{0, 300 * time.Millisecond}, {300 * time.Millisecond, time.Second}, {time.Second, 3 * time.Second}}
	for round, w := range windows {
		delay := w[0] + time.Duration(rng.Int64N(int64(w[1]-w[0])))
		path := filepath.Join(t.TempDir(), "crash.db")
		finished := crashChildAt(t, path, delay)
		t.Logf("round %d: killed %v after the import started; the import had finished: %v", round, delay, finished)
		checkAfterCrash(t, path, finished)
	}
}

// crashChildAt starts the child, kills it with SIGKILL delay after it
// starts importing, and reports whether the import had finished.
func crashChildAt(t *testing.T, path string, delay time.Duration) (finished bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	started := false
	for !started && lines.Scan() {
		started = lines.Text() == "starting"
	}
	if !started {
		cmd.Wait()
		t.Fatalf("the child ended before it started importing")
	}
	time.Sleep(delay)
	cmd.Process.Kill() // SIGKILL; fails only if the child already exited
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "done") {
			finished = true
			t.Logf("child: %s", lines.Text())
		}
	}
	cmd.Wait() // killed, or exited: both are expected
	return finished
}

func checkAfterCrash(t *testing.T, path string, finished bool) {
	t.Helper()
	s, err := Open(path, Options{LockTimeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("the database does not open after the crash: %v", err)
	}
	defer s.Close()
	err = s.DB().View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("bbolt consistency check: %v", err)
		}
		counts := map[string]int{}
		counts[string(bucketKeys)] = tx.Bucket(bucketKeys).Stats().KeyN
		for _, b := range [][]byte{bucketSerials, bucketMACs, bucketRFIDs} {
			counts[string(b)] = tIndexValues(t, tx, b)
		}
		n := counts[string(bucketKeys)]
		if n != 0 && n != crashKeys {
			t.Errorf("%d keys after the crash, want 0 or %d", n, crashKeys)
		}
		if finished && n != crashKeys {
			t.Errorf("the import finished before the kill but %d keys are stored", n)
		}
		for name, c := range counts {
			if c != n {
				t.Errorf("bucket %s holds %d entries for %d keys", name, c, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.VerifyAudit()
	if err != nil {
		t.Errorf("audit after the crash: %v", err)
	}
	if snap, _ := s.Snapshot(); uint64(len(snap.Keys)) != st.Entries {
		t.Errorf("%d keys but %d audit entries", len(snap.Keys), st.Entries)
	}
}
