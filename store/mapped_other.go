//go:build !linux

package store

import bolt "go.etcd.io/bbolt"

// releaseMapped is a no-op where MADV_DONTNEED is not known to drop a
// shared file map's pages from the process (see mapped_linux.go).
func releaseMapped(*bolt.Tx) {}
