package e2e

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
)

// TestClusterChaos is the chaos run of issue 20: three real `keydesk
// serve --cluster` processes on 127.0.0.1, .2 and .3; 20 clients over
// real SSH (OpenSSH's client), each op through a node picked at random,
// assigning keys, showing and renewing codes, activating them with the
// right code and wrong ones, suspending, locking, unlocking, removing and
// wiping; meanwhile a nemesis kills the leader, pauses nodes and cuts
// links with iptables. After healing:
//
//   - every node reaches the same applied index and audit head;
//   - every key's history is linearizable (porcupine, one partition per
//     key, unknown outcomes allowed both ways), ending with each node's
//     status of the key: so every acknowledged write is on every node;
//   - audit verify passes on each node's file.
//
// 60 seconds of clients in `make test`; KEYDESK_CHAOS=long (make chaos)
// runs 4 minutes, KEYDESK_CHAOS=<duration> any other length.
func TestClusterChaos(t *testing.T) {
	duration := time.Minute
	switch mode := os.Getenv("KEYDESK_CHAOS"); mode {
	case "", "1":
	case "long":
		duration = 4 * time.Minute
	default:
		d, err := time.ParseDuration(mode)
		if err != nil || d < 10*time.Second || d > time.Hour {
			t.Fatalf("KEYDESK_CHAOS=%q: want long, or a duration from 10s to 1h", mode)
		}
		duration = d
	}
	requireTools(t, "ssh")
	const keys, clients = 60, 20
	c := startCluster(t, keys)
	fw := newFirewall(t, c)

	began := time.Now()
	clock := func() int64 { return int64(time.Since(began)) }
	h := &chaosHistory{beliefs: map[string]*belief{}, unknownWhy: map[string]int{}, byOp: map[string]int{}}
	stop := began.Add(duration)
	var wg sync.WaitGroup
	for id := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(id), uint64(began.UnixNano())))
			// Each client works on 6 keys, each key shared by 2 clients.
			var mine []string
			for j := range 2 * keys / clients {
				mine = append(mine, serial((id*keys/clients+j)%keys))
			}
			for i := 0; i < 100000 && time.Now().Before(stop); i++ {
				s := mine[rng.IntN(len(mine))]
				in, words := h.choose(rng, s)
				node := c.nodes[rng.IntN(3)]
				call := clock()
				r := node.command(30*time.Second, words...)
				out, why := classify(in, r)
				ret := clock()
				if out.kind == outUnknown {
					ret = unknownReturn
				}
				if why != "" && r.code == 2 {
					t.Errorf("usage error from %s: %s", strings.Join(words, " "), r.stderr)
				}
				h.add(porcupine.Operation{ClientId: id, Input: in, Call: call, Output: out, Return: ret}, why)
			}
		}()
	}

	nem := &nemesis{c: c, fw: fw, rng: rand.New(rand.NewPCG(uint64(began.UnixNano()), 7)), counts: map[string]int{}}
	nem.run(stop, began)
	wg.Wait()
	t.Logf("faults:\n  %s", strings.Join(nem.log, "\n  "))

	// Healed: the nodes meet, then each node's status of every key is the
	// last operation of the key's history.
	for _, n := range c.nodes {
		if !n.running() {
			t.Errorf("node %s is not running after the nemesis:\n%s", n.name, n.logTail())
		}
	}
	// Every code waiting to be typed, asked of each node in turn after
	// healing: it must be the code the key's history last issued.
	shown := 0
	for k := range keys {
		s := serial(k)
		for i, n := range c.nodes {
			in := keyInput{serial: s, op: "code"}
			call := clock()
			r := n.command(time.Minute, "key", "code", s)
			out, why := classify(in, r)
			if out.kind == outRefused {
				break // no code: the final reads below check the status
			}
			if out.kind != outOK {
				t.Errorf("key code %s on node %s after healing: %s %s", s, n.name, out.kind, why)
				break
			}
			shown++
			h.ops = append(h.ops, porcupine.Operation{ClientId: clients + i, Input: in, Call: call, Output: out, Return: clock()})
		}
	}
	heads := c.converged(2 * time.Minute)
	var exports []string
	for i, n := range c.nodes {
		call := clock()
		r := n.command(time.Minute, "export", "keys", "--format", "csv")
		if r.code != 0 {
			t.Fatalf("export keys on node %s exited %d: %s", n.name, r.code, r.stderr)
		}
		status := exportedStatus(t, r.stdout)
		if len(status) != keys {
			t.Fatalf("node %s exported %d keys, want %d", n.name, len(status), keys)
		}
		ret := clock()
		for s, st := range status {
			h.ops = append(h.ops, porcupine.Operation{ClientId: clients + i, Input: keyInput{serial: s, op: "read"},
				Call: call, Output: keyOutput{kind: outOK, now: st}, Return: ret})
		}
		exports = append(exports, r.stdout)
	}
	for i := 1; i < len(exports); i++ {
		if exports[i] != exports[0] {
			t.Errorf("node %s exports other keys than node a", c.nodes[i].name)
		}
	}
	// The files: each one's trail verifies, and their heads are equal.
	var fileHeads []string
	for _, n := range c.nodes {
		n.kill()
		mustRun(t, keydeskBin, "--db", n.db, "audit", "verify")
		fileHeads = append(fileHeads, strings.TrimSpace(mustRun(t, keydeskBin, "--db", n.db, "audit", "head")))
	}
	if fileHeads[0] != fileHeads[1] || fileHeads[1] != fileHeads[2] {
		t.Errorf("the files' audit heads differ:\n%s", strings.Join(fileHeads, "\n"))
	}

	model := keyModel.ToModel()
	res, info := porcupine.CheckOperationsVerbose(model, h.ops, 3*time.Minute)
	if res != porcupine.Ok {
		path := filepath.Join(os.TempDir(), fmt.Sprintf("keydesk-chaos-%d.html", os.Getpid()))
		if err := porcupine.VisualizePath(model, info, path); err != nil {
			t.Log(err)
		}
		t.Errorf("the keys' histories are not linearizable (%v): see %s (the nodes' folders: %s)", res, path, c.root)
	}

	h.report(t, nem, heads, fileHeads)
	t.Logf("chaos: after healing, %d codes shown (%d keys x 3 nodes where a key waits for one), %d statuses read", shown, shown/3, 3*keys)
}

// belief is what the clients last learnt of a key, to choose operations
// that mostly make sense (some do not, on purpose: refusals are checked
// too).
type belief struct{ status, code string }

type chaosHistory struct {
	mu         sync.Mutex
	ops        []porcupine.Operation
	beliefs    map[string]*belief
	byKind     [6]int
	byOp       map[string]int
	unknownWhy map[string]int
}

var kinds = []string{outOK, outRefused, outWrong, outLocked, outNothing, outUnknown}

// choose picks the next operation on key s and its command line.
func (h *chaosHistory) choose(rng *rand.Rand, s string) (keyInput, []string) {
	h.mu.Lock()
	b := h.beliefs[s]
	if b == nil {
		b = &belief{status: "Ready"}
		h.beliefs[s] = b
	}
	status, code := b.status, b.code
	h.mu.Unlock()
	var op string
	pick := func(ops ...string) string { return ops[rng.IntN(len(ops))] }
	switch {
	case rng.IntN(100) < 15:
		op = pick("assign", "activate", "wrong", "code", "reissue", "suspend", "unlock", "pin-locked", "remove", "wiped")
	case status == "Ready":
		op = "assign"
	case status == "Reserved" || status == "Suspended":
		op = pick("activate", "activate", "activate", "wrong", "code", "reissue", "remove")
	case status == "Active":
		op = pick("suspend", "suspend", "pin-locked", "remove")
	case status == "Locked":
		op = pick("unlock", "unlock", "remove")
	default:
		op = "wiped"
	}
	switch op {
	case "assign":
		return keyInput{serial: s, op: op}, []string{"key", "assign", s, email(keyIndex(s))}
	case "activate", "wrong":
		typed := code
		if op == "wrong" || typed == "" {
			typed = fmt.Sprintf("%06d", rng.IntN(1000000))
			if typed == code {
				typed = fmt.Sprintf("%06d", (keyIndex("CH"+typed)+1)%1000000)
			}
		}
		return keyInput{serial: s, op: "activate", code: typed}, []string{"device", "activate", s, typed}
	case "code", "reissue", "suspend", "unlock":
		return keyInput{serial: s, op: op}, []string{"key", op, s}
	case "pin-locked":
		return keyInput{serial: s, op: op}, []string{"device", "pin-locked", s}
	case "remove":
		return keyInput{serial: s, op: op}, []string{"key", "remove", s, "--reason", "withdrawal"}
	}
	return keyInput{serial: s, op: "wiped"}, []string{"key", "wiped", s}
}

func keyIndex(s string) int {
	var i int
	fmt.Sscanf(s, "CH%04d", &i)
	return i
}

// add records an operation and what it taught about its key.
func (h *chaosHistory) add(op porcupine.Operation, why string) {
	in, out := op.Input.(keyInput), op.Output.(keyOutput)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops = append(h.ops, op)
	for i, k := range kinds {
		if k == out.kind {
			h.byKind[i]++
		}
	}
	h.byOp[in.op]++
	if out.kind == outUnknown {
		h.unknownWhy[why]++
	}
	b := h.beliefs[in.serial]
	switch out.kind {
	case outOK:
		switch in.op {
		case "assign":
			b.status, b.code = "Reserved", out.code
		case "code", "reissue":
			b.code = out.code
		case "suspend", "unlock":
			b.status, b.code = "Suspended", out.code
		case "activate":
			b.status, b.code = "Active", ""
		default:
			b.status, b.code = out.now, ""
		}
	case outLocked:
		b.status, b.code = "Locked", ""
	case outRefused:
		if b.status != out.now {
			b.status, b.code = out.now, ""
		}
	}
}

var (
	firstLineCode = regexp.MustCompile(`^(\d{6})\n`)
	nowStatus     = regexp.MustCompile(`key \S+ is now (\w+)`)
	wrongLeft     = regexp.MustCompile(`wrong activation code for key \S+: (\d) attempts? left`)
	wrongLocked   = regexp.MustCompile(`wrong activation code: key \S+ is now Locked`)
	refusedIs     = regexp.MustCompile(`key \S+ is (Ready|Reserved|Active|Locked|Suspended|Deactivated|Compromised): `)
)

// classify reads what a command answered: done, refused (and in what
// status), a wrong code, nothing saved, or not known. why says what made
// an outcome unknown.
func classify(in keyInput, r result) (keyOutput, string) {
	switch {
	case r.code == 0:
		switch in.op {
		case "assign", "code", "reissue", "suspend", "unlock":
			if m := firstLineCode.FindStringSubmatch(r.stdout); m != nil {
				return keyOutput{kind: outOK, code: m[1]}, ""
			}
			return keyOutput{kind: outUnknown}, "exit 0 without a code: " + firstLine(r.stdout)
		case "activate":
			return keyOutput{kind: outOK}, ""
		}
		if m := nowStatus.FindStringSubmatch(r.stderr); m != nil {
			return keyOutput{kind: outOK, now: m[1]}, ""
		}
		return keyOutput{kind: outUnknown}, "exit 0 without a status: " + firstLine(r.stderr)
	case r.code == 1:
		if m := wrongLeft.FindStringSubmatch(r.stderr); m != nil && in.op == "activate" {
			return keyOutput{kind: outWrong, left: int(m[1][0] - '0')}, ""
		}
		if wrongLocked.MatchString(r.stderr) && in.op == "activate" {
			return keyOutput{kind: outLocked}, ""
		}
		if m := refusedIs.FindStringSubmatch(r.stderr); m != nil {
			return keyOutput{kind: outRefused, now: m[1]}, ""
		}
		if strings.Contains(r.stderr, "nothing was saved") {
			return keyOutput{kind: outNothing}, ""
		}
		if strings.Contains(r.stderr, "may or may not") {
			return keyOutput{kind: outUnknown}, "the cluster: may or may not have been saved"
		}
		return keyOutput{kind: outUnknown}, "exit 1: " + firstLine(strings.TrimPrefix(r.stderr, "keydesk: "))
	case r.code == 255 && (strings.Contains(r.stderr, "Connection refused") || strings.Contains(r.stderr, "kex_exchange_identification")):
		return keyOutput{kind: outNothing}, "" // no SSH session, so no command, reached a node
	case r.code == 255:
		return keyOutput{kind: outUnknown}, "ssh: " + firstLine(r.stderr)
	case r.code == -1:
		return keyOutput{kind: outUnknown}, "no answer within 30 s"
	}
	return keyOutput{kind: outUnknown}, fmt.Sprintf("exit %d: %s", r.code, firstLine(r.stderr))
}

// firstLine is s's first line, without numbers that make every message
// its own (ports, addresses, counts), for counting reasons.
func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	if len(line) > 120 {
		line = line[:120]
	}
	return regexp.MustCompile(`\d+`).ReplaceAllString(line, "N")
}

// exportedStatus is serial -> status of an export keys --format csv.
func exportedStatus(t *testing.T, text string) map[string]string {
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("cannot read the export: %v", err)
	}
	col := -1
	for i, name := range rows[0] {
		if name == "status" {
			col = i
		}
	}
	if col < 0 || rows[0][0] != "serial" {
		t.Fatalf("the export has no serial and status columns: %v", rows[0])
	}
	out := map[string]string{}
	for _, row := range rows[1:] {
		out[row[0]] = row[col]
	}
	return out
}

// report prints the run's counts.
func (h *chaosHistory) report(t *testing.T, nem *nemesis, heads, fileHeads []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	total := 0
	for _, n := range h.byKind {
		total += n
	}
	var faults []string
	nf := 0
	for k, n := range nem.counts {
		faults = append(faults, fmt.Sprintf("%s %d", k, n))
		nf += n
	}
	sort.Strings(faults)
	var ops []string
	for k, n := range h.byOp {
		ops = append(ops, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(ops)
	var why []string
	for k, n := range h.unknownWhy {
		why = append(why, fmt.Sprintf("%5d  %s", n, k))
	}
	sort.Strings(why)
	acked := h.byKind[0] + h.byKind[1] + h.byKind[2] + h.byKind[3]
	t.Logf("chaos: %d operations (%s); %d acknowledged (%d done, %d refused, %d wrong code, %d locked by a wrong code); %d nothing saved; %d unknown",
		total, strings.Join(ops, ", "), acked, h.byKind[0], h.byKind[1], h.byKind[2], h.byKind[3], h.byKind[4], h.byKind[5])
	if len(why) > 0 {
		t.Logf("chaos: unknown outcomes by reason:\n%s", strings.Join(why, "\n"))
	}
	t.Logf("chaos: %d faults injected (%s)", nf, strings.Join(faults, ", "))
	t.Logf("chaos: heads compared on 3 running nodes (%s) and on 3 files (%s)", heads[0], fileHeads[0])
}
