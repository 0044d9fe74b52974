package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/raft"
	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/keydesk/keydesk/store/cluster"
	"github.com/spf13/cobra"
)

// The cluster commands (design/cluster.md 4.2). Those that act on a
// running cluster (token, status, remove, leader-transfer) work inside
// keydesk serve --cluster, over SSH, or locally on a stopped node, which
// they start for the time of the command. status is for auditors too;
// the rest need an admin.

// Roles: status is for auditors too, the rest for admins (the
// permissions table's cluster rows). The commands on a stopped node's
// files (init, join, recover, detach) ask what serving asks.
const (
	opClusterStatus = model.OpClusterStatus
	opClusterAdmin  = model.OpServe
)

// localOnly refuses a command that works on files, inside serve.
func (a *app) localOnly(what string) error {
	if a.env.Store != nil {
		return fmt.Errorf("%s works on the node's files: run it on the node's machine, with keydesk serve stopped", what)
	}
	return nil
}

// onNodeFiles runs fn for cmd, a command on a stopped node's files: never
// inside serve, then not with the flags missing says (when not ""), then
// on the database as serving would be allowed.
func (a *app) onNodeFiles(cmd *cobra.Command, mode openMode, missing string, fn func(st *store.Store) error) error {
	if err := a.localOnly(commandName(cmd)); err != nil {
		return err
	}
	if missing != "" {
		return usagef(cmd, "%s", missing)
	}
	return a.withStore(mode, func(st *store.Store) error {
		if err := st.Check(a.actor(), opClusterAdmin); err != nil {
			return err
		}
		return fn(st)
	})
}

// needs is the usage error of a command that lacks flags: "" when none
// is missing.
func needs(missing bool, msg string) string {
	if !missing {
		return ""
	}
	return msg
}

func (a *app) clusterInitCommand() *cobra.Command {
	var id, addr string
	cmd := a.command("init --node-id ID --cluster-addr HOST:PORT",
		"Make this database the first node of a new cluster, and print how others join", argsNamed(),
		func(cmd *cobra.Command, _ []string) error {
			return a.onNodeFiles(cmd, mayCreate, needs(id == "" || addr == "", "cluster init needs --node-id and --cluster-addr"), func(st *store.Store) error {
				_, fp, err := st.InitCluster(id, addr, store.NodeOptions{})
				if err != nil {
					return err
				}
				defer st.StopCluster()
				token, err := st.IssueJoinToken(a.actor(), time.Hour)
				if err != nil {
					return err
				}
				w := a.env.Stdout
				fmt.Fprintf(w, "cluster started: node %s at %s, CA %s\n", id, addr, fp)
				fmt.Fprintf(w, "start it with: keydesk serve --cluster\n")
				fmt.Fprintf(w, "on a new node, copy %s beside its database, then (token valid 1 hour, once):\n", st.KeyPath())
				fmt.Fprintf(w, "  keydesk cluster join --node-id NAME --cluster-addr HOST:PORT --leader %s --ca %s --token %s\n", addr, fp, token)
				return nil
			})
		})
	cmd.Flags().StringVar(&id, "node-id", "", "this node's name in the cluster")
	cmd.Flags().StringVar(&addr, "cluster-addr", "", "host:port other nodes reach this node's cluster port at")
	return cmd
}

func (a *app) clusterJoinCommand() *cobra.Command {
	var req store.JoinRequest
	cmd := a.command("join --node-id ID --cluster-addr HOST:PORT --leader HOST:PORT --ca SHA256:... --token TOKEN",
		"Make this machine a new node of a cluster (the key file must be here already)", argsNamed(),
		func(cmd *cobra.Command, _ []string) error {
			if err := a.localOnly("cluster join"); err != nil {
				return err
			}
			if req.NodeID == "" || req.Addr == "" || req.Leader == "" || req.CA == "" || req.Token == "" {
				return usagef(cmd, "cluster join needs --node-id, --cluster-addr, --leader, --ca and --token")
			}
			path, err := a.dbPath()
			if err != nil {
				return err
			}
			req.DBPath = path
			ctx, cancel := context.WithTimeout(a.ctx, 2*time.Minute)
			defer cancel()
			index, err := store.JoinCluster(ctx, req)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stdout, "joined as %s (database at log index %d); start it with: keydesk serve --cluster\n", req.NodeID, index)
			return nil
		})
	cmd.Flags().StringVar(&req.NodeID, "node-id", "", "this node's name in the cluster")
	cmd.Flags().StringVar(&req.Addr, "cluster-addr", "", "host:port other nodes reach this node's cluster port at")
	cmd.Flags().StringVar(&req.Leader, "leader", "", "cluster address of a running node (the leader, or one that knows it)")
	cmd.Flags().StringVar(&req.CA, "ca", "", "the cluster CA's fingerprint, as cluster init printed it")
	cmd.Flags().StringVar(&req.Token, "token", "", "a join token (keydesk cluster token)")
	return cmd
}

// withNode runs fn on the running node: serve's, or this database's,
// started for the command.
func (a *app) withNode(op model.Operation, fn func(st *store.Store, node *cluster.Node) error) error {
	if a.env.Store != nil {
		if err := a.env.Store.Check(a.actor(), op); err != nil {
			return err
		}
		node := a.env.Store.ClusterNode()
		if node == nil {
			return errors.New("this keydesk serve is not a cluster node (serve --cluster)")
		}
		return fn(a.env.Store, node)
	}
	return a.withStore(mustExist, func(st *store.Store) error {
		if err := st.Check(a.actor(), op); err != nil {
			return err
		}
		if !store.IsClusterNode(st.Path()) {
			return errors.New("this database is not a cluster node's (keydesk cluster init or join)")
		}
		node, err := st.StartClusterNode(store.NodeOptions{})
		if err != nil {
			return err
		}
		defer st.StopCluster()
		ctx, cancel := context.WithTimeout(a.ctx, 10*time.Second)
		defer cancel()
		if _, err := node.WaitLeader(ctx); err != nil {
			return errors.New("no leader is reachable from this node within 10 s")
		}
		return fn(st, node)
	})
}

// nodeCommand is a command on the running node (withNode), for the
// roles that may do op.
func (a *app) nodeCommand(use, short string, args cobra.PositionalArgs, op model.Operation,
	run func(st *store.Store, node *cluster.Node, args []string) error) *cobra.Command {
	return a.command(use, short, args, func(_ *cobra.Command, args []string) error {
		return a.withNode(op, func(st *store.Store, node *cluster.Node) error { return run(st, node, args) })
	})
}

func (a *app) clusterTokenCommand() *cobra.Command {
	var ttl time.Duration
	cmd := a.nodeCommand("token [--ttl 1h]", "Make a one-time join token for a new node", argsNamed(), model.OpClusterToken,
		func(st *store.Store, _ *cluster.Node, _ []string) error {
			token, err := st.IssueJoinToken(a.actor(), ttl)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.env.Stdout, token)
			return nil
		})
	cmd.Flags().DurationVar(&ttl, "ttl", time.Hour, "how long the token may be used (at most 7 days)")
	return cmd
}

func (a *app) clusterStatusCommand() *cobra.Command {
	return a.nodeCommand("status", "This node's view of the cluster: role, term, indexes, leader contact, audit head, members",
		argsNamed(), opClusterStatus, func(s *store.Store, node *cluster.Node, _ []string) error {
			st := node.Status()
			w := tabwriter.NewWriter(a.env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintf(w, "node\t%s (%s)\n", st.ID, st.Addr)
			if fp, err := store.ClusterHostKeyFingerprint(s.Path()); err == nil {
				fmt.Fprintf(w, "ssh host key\t%s (every node)\n", fp)
			}
			fmt.Fprintf(w, "role\t%s, term %d\n", strings.ToLower(st.State), st.Term)
			fmt.Fprintf(w, "leader\t%s\n", orNone(st.Leader, st.LeaderAddr))
			fmt.Fprintf(w, "commit index\t%d\n", st.Commit)
			fmt.Fprintf(w, "applied index\t%d\n", st.Index)
			if st.LastContact > 0 {
				fmt.Fprintf(w, "last contact\t%s ago\n", st.LastContact.Round(time.Millisecond))
			}
			fmt.Fprintf(w, "audit head\t%s\n", st.Head)
			if st.Halted != "" {
				fmt.Fprintf(w, "HALTED\t%s\n", st.Halted)
			}
			if st.Compared != "" {
				fmt.Fprintf(w, "checkpoints\t%s\n", st.Compared)
			}
			if st.Schema != 0 {
				fmt.Fprintf(w, "schema\t%d (this node's keydesk knows up to %d)\n", st.Schema, st.MaxSchema)
			}
			if st.Schema != 0 && st.Schema < st.MaxSchema { // a rolling upgrade waits for the other voters
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				if r, err := node.Schemas(ctx); err == nil && r.Words() != "" {
					fmt.Fprintf(w, "upgrade\t%s\n", r.Words())
				}
				cancel()
			}
			voters := 0
			for _, s := range st.Servers {
				kind := "voter"
				if s.Suffrage != raft.Voter {
					kind = "non-voter (catching up)"
				} else {
					voters++
				}
				fmt.Fprintf(w, "member\t%s %s %s\n", s.ID, s.Address, kind)
			}
			if voters < 3 {
				fmt.Fprintf(w, "warning\t%d voters: a cluster survives the loss of a node only with 3 or 5\n", voters)
			}
			return w.Flush()
		})
}

func orNone(id, addr string) string {
	if id == "" {
		return "none reachable (writes wait; reads go on)"
	}
	return id + " (" + addr + ")"
}

func (a *app) clusterRemoveCommand() *cobra.Command {
	var force bool
	cmd := a.nodeCommand("remove ID [--force]", "Take a node out of the cluster (its certificate stops working)",
		argsNamed("ID"), model.OpClusterRemove, func(st *store.Store, node *cluster.Node, args []string) error {
			servers, err := node.Servers()
			if err != nil {
				return err
			}
			voters, found := 0, false
			for _, s := range servers {
				if s.Suffrage == raft.Voter {
					voters++
				}
				found = found || string(s.ID) == args[0]
			}
			if !found {
				return fmt.Errorf("no node %q in the cluster", args[0])
			}
			if voters <= 3 && !force {
				return fmt.Errorf("the cluster has %d voters: removing one leaves no fault tolerance; add --force to do it anyway", voters)
			}
			if !node.IsLeader() {
				return errors.New("run cluster remove on the leader (cluster status names it)")
			}
			if err := node.RemoveServer(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stdout, "node %s removed\n", args[0])
			if err := st.RecordClusterChange(a.actor(), model.ActionClusterNodeRemoved, args[0], fmt.Sprintf("%d voters before", voters)); err != nil {
				return fmt.Errorf("node %s is removed, but the audit trail could not record it: %w", args[0], err)
			}
			return nil
		})
	cmd.Flags().BoolVar(&force, "force", false, "remove even when it leaves fewer than 3 voters")
	return cmd
}

func (a *app) clusterTransferCommand() *cobra.Command {
	return a.nodeCommand("leader-transfer [ID]", "Hand leadership to another node (before maintenance of the leader)",
		cobra.MaximumNArgs(1), model.OpClusterTransfer, func(st *store.Store, node *cluster.Node, args []string) error {
			if !node.IsLeader() {
				return errors.New("run leader-transfer on the leader (cluster status names it)")
			}
			to := ""
			if len(args) == 1 {
				to = args[0]
			}
			if err := node.TransferLeadership(to); err != nil {
				return err
			}
			fmt.Fprintln(a.env.Stdout, "leadership handed over")
			// Recorded through the new leader, once this node knows it.
			note := "from node " + node.ID()
			if to != "" {
				note += " to node " + to
			}
			if err := st.RecordClusterChange(a.actor(), model.ActionClusterLeaderTransferred, "", note); err != nil {
				return fmt.Errorf("leadership is handed over, but the audit trail could not record it: %w", err)
			}
			return nil
		})
}

func (a *app) clusterRecoverCommand() *cobra.Command {
	var peers string
	cmd := a.command("recover --peers peers.json",
		"After losing a majority: rewrite this stopped node's membership (same file on every survivor)", argsNamed(),
		func(cmd *cobra.Command, _ []string) error {
			return a.onNodeFiles(cmd, mustExist, needs(peers == "", `cluster recover needs --peers FILE (JSON: [{"id":..,"address":..,"non_voter":false}])`), func(st *store.Store) error {
				if err := st.RecoverCluster(peers); err != nil {
					return err
				}
				fmt.Fprintln(a.env.Stdout, "membership rewritten; start keydesk serve --cluster on every node of the file")
				return nil
			})
		})
	cmd.Flags().StringVar(&peers, "peers", "", "the surviving nodes, as hashicorp/raft's peers.json")
	return cmd
}

func (a *app) clusterDetachCommand() *cobra.Command {
	return a.command("detach", "Make this stopped node's database a single node's again (its cluster folders are kept aside)", argsNamed(),
		func(cmd *cobra.Command, _ []string) error {
			return a.onNodeFiles(cmd, mustExist, "", func(st *store.Store) error {
				if err := st.DetachCluster(); err != nil {
					return err
				}
				fmt.Fprintf(a.env.Stdout, "%s is a single node's database again\n", st.Path())
				return nil
			})
		})
}

// startClusterServe starts st's node for serve --cluster; the returned
// stop is deferred by serve.
func (a *app) startClusterServe(st *store.Store) (stop func(), err error) {
	if !store.IsClusterNode(st.Path()) {
		return nil, errors.New("this database is not a cluster node's: keydesk cluster init or join first")
	}
	node, err := st.StartClusterNode(store.NodeOptions{OnHalt: func(err error) {
		fmt.Fprintf(a.env.Stderr, "keydesk: %v\nkeydesk: this node stopped so as not to fork the audit trail; fix the cause and restart it, or remove it and join it again\n", err)
		os.Exit(70)
	}})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(a.ctx)
	if index := st.JoinIndex(); index > 0 {
		go func() {
			if node.AskVoter(ctx, index) == nil {
				st.Voting()
			}
		}()
	}
	return func() { cancel(); st.StopCluster() }, nil
}
