package store

import (
	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// releaseMapped lets go of the pages of the database file that a read
// transaction has touched: bbolt reads through a shared, read-only map of
// the file, and every page read stays in the process's resident memory
// until the kernel needs it back. A walk over a whole bucket (an export,
// audit verify) would otherwise hold the file's size in memory at its
// end. The pages stay in the kernel's cache: a page read again costs a
// minor fault, never a read of the disk, and what bbolt reads is the same
// (MADV_DONTNEED on a shared file map drops the mapping, not the data).
// The map cannot move during tx (bbolt remaps only with no transaction
// open).
func releaseMapped(tx *bolt.Tx) {
	size := uintptr(tx.Size())
	if size == 0 {
		return
	}
	// The map's start, from bbolt; the syscall is made with plain
	// addresses so that no Go pointer is made from it.
	start := tx.DB().Info().Data
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, start, size, unix.MADV_DONTNEED)
}
