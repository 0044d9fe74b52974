package serve_test

import (
	"os"
	"syscall"
)

// datasync flushes a file's data as bbolt does on Linux.
func datasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
