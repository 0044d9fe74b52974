package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A cluster node's file of an older schema is not upgraded by one node
// alone: Open refuses and leaves it as it was.
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

	if _, err := Open(path, Options{NoSync: true}); err == nil || !strings.Contains(err.Error(), "fork") {
		t.Fatalf("open of an older cluster node's file: %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("the refused upgrade changed the file")
	}
	// Back to one file, it upgrades as any database does.
	os.Rename(tlsDir, tlsDir+".detached")
	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatalf("a detached node's file: %v", err)
	}
	s.Close()
}
