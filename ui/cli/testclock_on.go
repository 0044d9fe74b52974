//go:build keydesk_testclock

package cli

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// testClockEnv names a file holding the time (RFC 3339) that the store
// reads as now, re-read at every reading, so that a test moves the clock
// of a running serve by writing the file. Honoured only in a build with
// -tags keydesk_testclock.
const testClockEnv = "KEYDESK_TEST_CLOCK_FILE"

func init() {
	path := os.Getenv(testClockEnv)
	if path == "" {
		return
	}
	fmt.Fprintf(os.Stderr, "keydesk: test build: the clock is read from %s\n", path)
	testClock = func() time.Time {
		raw, err := os.ReadFile(path)
		if err != nil {
			panic(fmt.Sprintf("%s: %v", testClockEnv, err))
		}
		at, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(raw)))
		if err != nil {
			panic(fmt.Sprintf("%s: %v", testClockEnv, err))
		}
		return at.UTC()
	}
}
