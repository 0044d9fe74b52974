package e2e

import (
	"os"
	"os/exec"
	"testing"
)

// requireTools stops the test when a program it drives is not installed:
// a skip on a developer's machine, a failure in CI (CI is set), where the
// tools are installed on purpose and a skip would hide a broken setup.
func requireTools(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err == nil {
			continue
		}
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed, and CI must run this test: install it (.ci/run does)", name)
		}
		t.Skipf("%s is not installed: install it to run this end-to-end test (CI does)", name)
	}
}
