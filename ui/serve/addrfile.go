package serve

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// AddressFile is where serve leaves its listen address (host:port on the
// first line) and its process id ("pid N" on the second) while it runs,
// so that another keydesk program that finds the database locked can tell
// the admin how to connect instead. A file left by a serve that was
// killed is stale: its process is gone (see ReadAddressFile).
func AddressFile(dbPath string) string { return dbPath + ".serve" }

// AddressInfo is what an address file says.
type AddressInfo struct {
	Addr string // host:port
	PID  int    // 0 when the file names none (written by an older keydesk)
}

// Running reports whether the serve that wrote the file still runs. A
// file without a pid cannot tell, and is taken at its word.
func (a AddressInfo) Running() bool {
	if a.PID <= 0 {
		return true
	}
	err := syscall.Kill(a.PID, 0)
	return err == nil || err == syscall.EPERM
}

// ReadAddressFile reads an address file; ok is false when there is none
// or it is not complete yet.
func ReadAddressFile(path string) (info AddressInfo, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return info, false
	}
	defer f.Close()
	r := bufio.NewReader(f)
	line, err := r.ReadString('\n')
	if err != nil {
		return info, false
	}
	info.Addr = strings.TrimSpace(line)
	if rest, _ := r.ReadString('\n'); strings.HasPrefix(rest, "pid ") {
		info.PID, _ = strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(rest, "pid ")))
	}
	return info, info.Addr != ""
}

// writeAddressFile replaces the file in one step, so that a reader never
// sees half an address.
func writeAddressFile(path, addr string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.WriteString(addr + "\npid " + strconv.Itoa(os.Getpid()) + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func removeAddressFile(path string) { os.Remove(path) }
