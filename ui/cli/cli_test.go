package cli_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/ui/cli"
	"github.com/rogpeppe/go-internal/testscript"
	bolt "go.etcd.io/bbolt"
	gossh "golang.org/x/crypto/ssh"
)

// The scripts in testdata/script drive the command line as an admin
// would. Besides testscript's own commands they have:
//
//	keydesk ARGS...          runs cli.Run in this process (fast), with
//	                         the script's environment; stdin is empty.
//	                         "! keydesk" expects a non-zero exit status.
//	keydesk-as FP ARGS...    the same, as the SSH admin whose key has the
//	                         fingerprint FP (as keydesk serve would run
//	                         it). The scripts have fixed keys for helen,
//	                         una and zed: $KEY_HELEN is the public key
//	                         line, $FP_HELEN its fingerprint.
//	status N                 the exit status of the last keydesk was N
//	                         (1 refused, 2 usage error).
//	setcode VAR [SERIAL]     sets $VAR to the activation code on the
//	                         first line of the last stdout, or, with
//	                         SERIAL, on the "SERIAL,email,code" line of
//	                         an import's handouts.
//	wrongcode VAR CODE       sets $VAR to a 6-digit code that is not CODE.
//	tamper-audit DB SEQ OLD NEW
//	                         rewrites OLD as NEW (same length) inside
//	                         audit entry SEQ, as an attacker with the file
//	                         would.
//	sethead VAR              sets $VAR to SEQ:HASH from the "seq N hash H"
//	                         of the last stdout, $VAR_SEQ and $VAR_HASH
//	                         to its parts.
//	exec keydesk-process ARGS...
//	                         the same program in its own process, wired
//	                         to the real stdin, stdout and stderr (with
//	                         testscript's "stdin FILE").
//
// Paths given to the in-process keydesk are relative to the test's
// directory, not the script's: scripts use $WORK/...
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"keydesk-process": func() {
			os.Exit(cli.Run(context.Background(), os.Args[1:], cli.Env{
				Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv,
			}))
		},
	})
}

type lastStatus struct{}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script", UpdateScripts: os.Getenv("KEYDESK_UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			// A home of its own, so that a script that forgets
			// KEYDESK_DB never writes outside its directory.
			env.Setenv("HOME", env.WorkDir+"/home")
			env.Setenv("ESC", "\x1b")
			for i, name := range []string{"HELEN", "UNA", "ZED"} {
				line, fp := scriptKey(byte(i + 1))
				env.Setenv("KEY_"+name, line+" "+strings.ToLower(name)+"@laptop")
				env.Setenv("FP_"+name, fp)
			}
			env.Setenv("RLO", "\u202e") // right-to-left override
			env.Setenv("NEL", "\u0085") // a C1 control: next line
			env.Values[lastStatus{}] = new(int)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"keydesk":      runKeydesk,
			"keydesk-as":   runKeydeskAs,
			"status":       checkStatus,
			"setcode":      setCode,
			"wrongcode":    wrongCode,
			"tamper-audit": tamperAudit,
			"writeenv":     writeEnv,
			"sethead":      setHead,
		},
	})
}

func runKeydesk(ts *testscript.TestScript, neg bool, args []string) {
	runKeydeskWith(ts, neg, args, model.Actor{})
}

func runKeydeskAs(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: keydesk-as FINGERPRINT ARGS...")
	}
	runKeydeskWith(ts, neg, args[1:], model.Actor{Name: "ssh-user", Fingerprint: args[0]})
}

// scriptKey is a fixed ed25519 public key, as an authorized_keys line
// and its fingerprint.
func scriptKey(seed byte) (line, fingerprint string) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	pub, err := gossh.NewPublicKey(priv.Public())
	if err != nil {
		panic(err)
	}
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pub))), gossh.FingerprintSHA256(pub)
}

func runKeydeskWith(ts *testscript.TestScript, neg bool, args []string, actor model.Actor) {
	status := cli.Run(context.Background(), args, cli.Env{
		Stdout: ts.Stdout(),
		Stderr: ts.Stderr(),
		Getenv: ts.Getenv,
		Actor:  actor,
	})
	*ts.Value(lastStatus{}).(*int) = status
	switch {
	case status != 0 && !neg:
		ts.Fatalf("keydesk exited with status %d", status)
	case status == 0 && neg:
		ts.Fatalf("keydesk succeeded unexpectedly")
	}
}

func checkStatus(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: status N")
	}
	if got := *ts.Value(lastStatus{}).(*int); strconv.Itoa(got) != args[0] {
		ts.Fatalf("keydesk exited with status %d, want %s", got, args[0])
	}
}

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

func setCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: setcode VAR [SERIAL]")
	}
	lines := strings.Split(ts.ReadFile("stdout"), "\n")
	code := lines[0]
	if len(args) == 2 {
		code = ""
		for _, line := range lines {
			if fields := strings.Split(line, ","); len(fields) == 3 && fields[0] == args[1] {
				code = fields[2]
			}
		}
	}
	if !sixDigits.MatchString(code) {
		ts.Fatalf("no activation code found in stdout (got %q)", code)
	}
	ts.Setenv(args[0], code)
}

func wrongCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || !sixDigits.MatchString(args[1]) {
		ts.Fatalf("usage: wrongcode VAR CODE")
	}
	b := []byte(args[1])
	b[5] = '0' + (b[5]-'0'+1)%10
	ts.Setenv(args[0], string(b))
}

func tamperAudit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 || len(args[2]) != len(args[3]) {
		ts.Fatalf("usage: tamper-audit DB SEQ OLD NEW (OLD and NEW of the same length)")
	}
	seq, err := strconv.ParseUint(args[1], 10, 64)
	ts.Check(err)
	st, err := store.Open(ts.MkAbs(args[0]), store.Options{})
	ts.Check(err)
	defer st.Close()
	ts.Check(st.DB().Update(func(tx *bolt.Tx) error {
		audit := tx.Bucket([]byte("audit"))
		// The value that holds the entry: its own, or its run's (the entries
		// of an import share one, under the first one's number).
		c := audit.Cursor()
		id, raw := c.Seek(binary.BigEndian.AppendUint64(nil, seq))
		if id == nil || binary.BigEndian.Uint64(id) > seq {
			id, raw = c.Prev()
		}
		if !bytes.Contains(raw, []byte(args[2])) {
			return fmt.Errorf("audit entry %d does not contain %q", seq, args[2])
		}
		return audit.Put(bytes.Clone(id), bytes.Replace(raw, []byte(args[2]), []byte(args[3]), 1))
	}))
}

// writeEnv writes the value of an environment variable, and a newline,
// to a file: "writeenv FILE VAR".
func writeEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: writeenv FILE VAR")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(ts.Getenv(args[1])+"\n"), 0o600))
}

var headLine = regexp.MustCompile(`(?m)^seq ([0-9]+) hash ([0-9a-f]{64})$`)

func setHead(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sethead VAR")
	}
	m := headLine.FindStringSubmatch(ts.ReadFile("stdout"))
	if m == nil {
		ts.Fatalf("no audit head in stdout")
	}
	ts.Setenv(args[0], m[1]+":"+m[2])
	ts.Setenv(args[0]+"_SEQ", m[1])
	ts.Setenv(args[0]+"_HASH", m[2])
}
