package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A cluster node's file of an older schema is not upgraded by one node
// alone: Open leaves it as it was (the log upgrades it, clusterupgrade_test.go).
func TestClusterNodeIsNotUpgradedAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keydesk.db")
	s, err := Open(path, Options{NoSync: true, schemaCap: 8})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, tlsDir := ClusterDirs(path)
	os.MkdirAll(tlsDir, 0o700)
	os.WriteFile(filepath.Join(tlsDir, clusterAddrFile), []byte("127.0.0.1:1\n"), 0o600)
	before, _ := os.ReadFile(path)

	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatalf("open of an older cluster node's file: %v", err)
	}
	if err := s.clusterUpgradePending(); err == nil || !strings.Contains(err.Error(), "upgrade in progress") {
		t.Fatalf("a write on it: %v", err)
	}
	s.Close()
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("the open upgraded the file on this node alone")
	}
	// Back to one file, it upgrades as any database does.
	os.Rename(tlsDir, tlsDir+".detached")
	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatalf("a detached node's file: %v", err)
	}
	s.Close()
}
