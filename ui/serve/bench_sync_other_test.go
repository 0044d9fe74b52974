//go:build !linux

package serve_test

import "os"

func datasync(f *os.File) error { return f.Sync() }
