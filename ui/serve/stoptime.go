package serve

import "time"

// StopTimeout is the longest serve takes to stop once asked (SIGTERM):
// the grace open sessions get, then a farewell after asking the last ones
// to end and another after closing their connections. A service manager
// must wait at least this long before it kills the process.
func StopTimeout() time.Duration { return defaultShutdownGrace + 2*farewell }
