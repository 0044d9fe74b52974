package cli

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/store/secrets"
	gossh "golang.org/x/crypto/ssh"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func hostKeyOf(t *testing.T, path string) gossh.PublicKey {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	return signer.PublicKey()
}

// Two nodes of one cluster serve the same SSH host key (admins keep one
// known_hosts entry across a failover); it is not a node's own
// single-node key, and it never came from the key file over the network
// (the joiner derives it from the CA key the join brought, sealed).
func TestClusterNodesServeOneHostKey(t *testing.T) {
	dir := t.TempDir()
	dbA := filepath.Join(dir, "a", "keydesk.db")
	dbB := filepath.Join(dir, "b", "keydesk.db")
	os.MkdirAll(filepath.Dir(dbA), 0o700)
	os.MkdirAll(filepath.Dir(dbB), 0o700)
	got := make(chan string, 2)
	release := make(chan struct{})
	served := make(chan int, 1)
	serveEnv := func(block bool) Env {
		return Env{Getenv: func(string) string { return "" }, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{},
			Serve: func(ctx context.Context, st *store.Store, opts ServeOptions) error {
				got <- opts.HostKeyPath
				if block {
					<-release
				}
				return nil
			}}
	}
	run := func(env Env, db string, args ...string) (int, string) {
		var out bytes.Buffer
		env.Stdout, env.Stderr = &out, &out
		if env.Getenv == nil {
			env.Getenv = func(string) string { return "" }
		}
		code := Run(context.Background(), append([]string{"--db", db}, args...), env)
		return code, out.String()
	}

	if code, out := run(Env{}, dbA, "demo", "--keys", "3", "--employees", "2"); code != 0 {
		t.Fatal(out)
	}
	addrA, addrB := freeAddr(t), freeAddr(t)
	code, out := run(Env{}, dbA, "cluster", "init", "--node-id", "a", "--cluster-addr", addrA)
	if code != 0 {
		t.Fatal(out)
	}
	var ca, token string
	for _, f := range strings.Fields(out[strings.Index(out, "keydesk cluster join"):]) {
		switch {
		case strings.HasPrefix(f, "SHA256:"):
			ca = f
		case strings.HasPrefix(f, "kdjoin-"):
			token = f
		}
	}
	if ca == "" || token == "" {
		t.Fatalf("no CA or token in:\n%s", out)
	}

	go func() {
		code, out := run(serveEnv(true), dbA, "serve", "--cluster")
		if code != 0 {
			t.Errorf("serve on a: %s", out)
			got <- ""
		}
		served <- code
	}()
	pathA := <-got
	if pathA == "" {
		t.FailNow()
	}
	defer func() { close(release); <-served }()

	key, _ := os.ReadFile(secrets.KeyPath(dbA))
	os.WriteFile(secrets.KeyPath(dbB), key, 0o600) // the operator's copy
	if code, out := run(Env{}, dbB, "cluster", "join", "--node-id", "b", "--cluster-addr", addrB, "--leader", addrA, "--ca", ca, "--token", token); code != 0 {
		t.Fatalf("join: %s", out)
	}
	if code, out := run(serveEnv(false), dbB, "serve", "--cluster"); code != 0 {
		t.Fatalf("serve on b: %s", out)
	}
	pathB := <-got

	if pathA == pathB || filepath.Dir(pathA) == filepath.Dir(pathB) {
		t.Fatalf("both nodes read one file: %s %s", pathA, pathB)
	}
	a, b := hostKeyOf(t, pathA), hostKeyOf(t, pathB)
	if !bytes.Equal(a.Marshal(), b.Marshal()) {
		t.Fatalf("node a serves %s, node b %s", gossh.FingerprintSHA256(a), gossh.FingerprintSHA256(b))
	}
	if a.Type() != gossh.KeyAlgoED25519 {
		t.Fatalf("host key type %s", a.Type())
	}
	// Another cluster (its own CA) has another host key.
	dbC := filepath.Join(dir, "c", "keydesk.db")
	os.MkdirAll(filepath.Dir(dbC), 0o700)
	if code, out := run(Env{}, dbC, "cluster", "init", "--node-id", "c", "--cluster-addr", freeAddr(t)); code != 0 {
		t.Fatal(out)
	}
	pathC, err := store.ClusterHostKey(dbC)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(hostKeyOf(t, pathC).Marshal(), a.Marshal()) {
		t.Fatal("two clusters derived the same host key")
	}
	t.Logf("cluster host key %s", gossh.FingerprintSHA256(a))
}
