package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/keydesk/keydesk/model"
)

// trailOf is node i's entries of the cluster's own actions, in order.
func (c *storeCluster) clusterTrail(i int) []model.AuditEntry {
	c.t.Helper()
	var out []model.AuditEntry
	err := c.stores[i].AuditOldestFirst(tAdmin, func(e model.AuditEntry) error {
		if strings.HasPrefix(string(e.Action), "cluster.") {
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

// Issuing a join token, a join, a removal and a leader transfer are
// entries of every node's audit trail, through the log; a token is spent
// once, and a refusal leaves the trail as it was.
func TestClusterOperationsAreAudited(t *testing.T) {
	c := newStoreCluster(t, 3)
	l := c.leader()
	f := (l + 1) % 3

	helpdesk := model.SSHAdmin("hugo", "SHA256:hugo", model.RoleHelpdesk)
	if _, err := c.stores[f].IssueJoinToken(helpdesk, 0); err == nil {
		t.Fatal("a token without a lifetime was issued")
	}
	if _, err := c.stores[f].IssueJoinToken(helpdesk, 3600e9); err == nil || !model.IsRefusal(err) {
		t.Fatalf("a helpdesk user issued a join token: %v", err)
	}
	token, err := c.stores[f].IssueJoinToken(tAdmin, 3600e9)
	if err != nil || !strings.HasPrefix(token, "kdjoin-") {
		t.Fatalf("token %q: %v", token, err)
	}
	ctx := context.Background()
	if err := c.stores[l].useJoinToken(ctx, token, "d", "10.0.0.4:2324"); err != nil {
		t.Fatalf("spending the token: %v", err)
	}
	if err := c.stores[l].useJoinToken(ctx, token, "e", "10.0.0.5:2324"); err == nil || !strings.Contains(err.Error(), "already used by node d") {
		t.Fatalf("the token spent twice: %v", err)
	}
	if err := c.stores[l].useJoinToken(ctx, "kdjoin-made-up", "e", "10.0.0.5:2324"); err == nil || !strings.Contains(err.Error(), "not known") {
		t.Fatalf("a made-up token: %v", err)
	}
	if err := c.stores[f].RecordClusterChange(tAdmin, model.ActionClusterNodeRemoved, "d", "3 voters before"); err != nil {
		t.Fatal(err)
	}
	if err := c.stores[l].RecordClusterChange(tAdmin, model.ActionClusterLeaderTransferred, "", "from node 0"); err != nil {
		t.Fatal(err)
	}
	if err := c.stores[l].RecordClusterChange(tAdmin, model.ActionKeyRemoved, "d", ""); err == nil {
		t.Fatal("a key's action was recorded as a cluster change")
	}
	c.settle()

	want := []struct {
		action model.Action
		target string
		in     string
	}{
		{model.ActionClusterTokenIssued, "cluster", "valid until"},
		{model.ActionClusterNodeJoined, "node d", "10.0.0.4:2324"},
		{model.ActionClusterNodeRemoved, "node d", "3 voters before"},
		{model.ActionClusterLeaderTransferred, "cluster", "from node 0"},
	}
	for i := range c.stores {
		got := c.clusterTrail(i)
		if len(got) != len(want) {
			t.Fatalf("node %d holds %d cluster entries, want %d: %+v", i, len(got), len(want), got)
		}
		for j, w := range want {
			e := got[j]
			if e.Action != w.action || e.Target != w.target || !strings.Contains(e.Note, w.in) {
				t.Fatalf("node %d entry %d: %s %q %q, want %s %q ~%q", i, j, e.Action, e.Target, e.Note, w.action, w.target, w.in)
			}
			if strings.Contains(e.Note, token) || strings.Contains(e.Note, strings.TrimPrefix(token, "kdjoin-")) {
				t.Fatalf("node %d's trail holds the token itself", i)
			}
		}
		if got[0].Actor == "" || !strings.Contains(got[0].Actor, "alice") {
			t.Fatalf("node %d: the token's issuer is %q", i, got[0].Actor)
		}
	}
}

// tClusterSampleArgs are the cluster's kinds for the codec's samples.
func tClusterSampleArgs(at time.Time) []Args {
	return []Args{
		clusterEventArgs{Action: string(model.ActionClusterTokenIssued), Node: "b", Note: "n", TokenHash: strings.Repeat("ab", 32), Expires: at},
		clusterJoinArgs{TokenHash: strings.Repeat("cd", 32), Node: "b", Addr: "10.0.0.2:2324"},
		importStageArgs{ImportID: "0a0b", Part: 1, Parts: 3, Data: "\x00\x01part"},
		importCommitArgs{ImportID: "0a0b", Parts: 3, Sum: strings.Repeat("ef", 32)},
		importAbortArgs{ImportID: "0a0b"},
	}
}
