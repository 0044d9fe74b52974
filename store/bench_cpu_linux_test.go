package store

import (
	"syscall"
	"time"
)

// cpuTime is the process's user + system time so far: on a shared
// machine the wall time of a benchmark counts the other programs too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
