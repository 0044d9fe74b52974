package cli

import "time"

// testClock is the store's clock when a test moves time; nil is the real
// one. Only testclock_on.go sets it, and that file is built only with
// -tags keydesk_testclock (the end-to-end tests' build): a release build
// has no way to turn it on.
var testClock func() time.Time
