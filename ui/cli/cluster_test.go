package cli

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// TestClusterCommandsOnOneNode: init, status, token and detach on a
// one-node cluster, started by each command for its time; a cluster
// node's file refuses a local write, and is a single node's again after
// detach.
func TestClusterCommandsOnOneNode(t *testing.T) {
	db := filepath.Join(t.TempDir(), "keydesk.db")
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Run(context.Background(), append([]string{"--db", db}, args...),
			Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
		return code, out.String(), errb.String()
	}
	must := func(want int, args ...string) string {
		t.Helper()
		code, out, errs := run(args...)
		if code != want {
			t.Fatalf("keydesk %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errs)
		}
		return out + errs
	}
	must(0, "demo", "--keys", "6", "--employees", "3")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	out := must(0, "cluster", "init", "--node-id", "a", "--cluster-addr", addr)
	if !strings.Contains(out, "keydesk cluster join --node-id NAME") || !strings.Contains(out, "--token kdjoin-") || !strings.Contains(out, "--ca SHA256:") {
		t.Fatalf("init printed no join line:\n%s", out)
	}
	must(1, "cluster", "init", "--node-id", "a", "--cluster-addr", addr) // once only

	status := must(0, "cluster", "status")
	for _, want := range []string{"role", "leader", "member         a " + addr + " voter", "1 voters", "ssh host key   SHA256:"} {
		if !strings.Contains(status, want) {
			t.Fatalf("status lacks %q:\n%s", want, status)
		}
	}
	if tok := must(0, "cluster", "token", "--ttl", "10m"); !strings.HasPrefix(tok, "kdjoin-") {
		t.Fatalf("token printed %q", tok)
	}
	if msg := must(1, "cluster", "remove", "a"); !strings.Contains(msg, "--force") {
		t.Fatalf("removing the last voter: %s", msg)
	}

	csv := must(0, "export", "keys", "--format", "csv")
	serial := ""
	for _, line := range strings.Split(csv, "\n") {
		if f := strings.Split(line, ","); len(f) > 6 && f[5] == "Ready" {
			serial = f[0]
			break
		}
	}
	people := must(0, "export", "employees", "--format", "csv")
	email := ""
	for _, line := range strings.Split(people, "\n")[1:] {
		if f := strings.Split(line, ","); len(f) > 6 && f[6] == "" {
			email = f[2]
			break
		}
	}
	if serial == "" || email == "" {
		t.Fatalf("no Ready key or keyless employee in the demo data:\n%s\n%s", csv, people)
	}
	// Written locally, a cluster node's change would fork the chain.
	if msg := must(1, "key", "assign", serial, email); !strings.Contains(msg, "belongs to a cluster") {
		t.Fatalf("a local write on a node's file: %s", msg)
	}

	must(0, "cluster", "detach")
	if msg := must(1, "cluster", "status"); !strings.Contains(msg, "not a cluster node") {
		t.Fatalf("status after detach: %s", msg)
	}
	if code := must(0, "key", "assign", serial, email); !strings.Contains(code, "read as") {
		t.Fatalf("assign after detach printed %q", code)
	}
	must(0, "audit", "verify")
}
