package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

func (a *app) auditVerifyCommand() *cobra.Command {
	var expect []string
	var anchorsFile string
	verify := a.command("verify [--expect SEQ:HASH]... [--anchors FILE]",
		"Check the audit trail's hash chain, replay it against the keys and employees, and check heads kept elsewhere",
		argsNamed(), func(cmd *cobra.Command, _ []string) error {
			var anchors []model.AuditAnchor
			for _, e := range expect {
				anchor, err := model.ParseExpect(e)
				if err != nil {
					return usagef(cmd, "--expect %s", err)
				}
				anchors = append(anchors, anchor)
			}
			if anchorsFile != "" {
				fromFile, err := a.readAnchors(anchorsFile)
				if err != nil {
					return err
				}
				anchors = append(anchors, fromFile...)
			}
			return a.readAs(model.OpAuditVerify, func(st *store.Store) error {
				state, err := st.VerifyAudit(anchors...)
				if err != nil {
					return verifyError(err)
				}
				head := state.HeadHash
				if head == "" {
					head = "(none)"
				}
				fmt.Fprintf(a.env.Stdout, "audit trail verified: %d %s, head %s\n",
					state.Entries, plural(int(state.Entries), "entry", "entries"), head)
				fmt.Fprintf(a.env.Stdout, "records match the trail: %d %s, %d %s\n",
					state.Keys, plural(state.Keys, "key", "keys"), state.People, plural(state.People, "employee", "employees"))
				printSealState(a.env.Stdout, state)
				if len(anchors) > 0 {
					fmt.Fprintf(a.env.Stdout, "heads kept outside found unchanged: %d\n", state.Anchors)
				}
				return nil
			})
		})
	verify.Long = `Check the audit trail: every entry's hash and link (an entry changed or
removed is found), then replay the trail and compare every key's status,
reason and holder and every employee's key with what the entries say (a
record changed outside keydesk is named).

The chain is not keyed: whoever can write the file can cut its end or
rewrite it and seal it again. A head kept outside the file finds that:
--expect SEQ:HASH (N:H of what keydesk audit head printed as "seq N hash H") and --anchors FILE
(the lines keydesk serve --anchor wrote) must each still be in the trail
with the same hash.`
	verify.Flags().StringArrayVar(&expect, "expect", nil, "SEQ:HASH of a head seen before (keydesk audit head); may be repeated")
	verify.Flags().StringVar(&anchorsFile, "anchors", "", "a file of heads written by keydesk serve --anchor")
	return verify
}

func (a *app) auditHeadCommand() *cobra.Command {
	head := a.command("head",
		"Print the newest audit entry as seq N hash H, to keep outside the database",
		argsNamed(), func(*cobra.Command, []string) error {
			return a.readAs(model.OpAuditVerify, func(st *store.Store) error {
				h, err := st.AuditHead()
				if err != nil {
					return err
				}
				if h.Seq == 0 {
					return errors.New("the audit trail is empty: there is no head to keep yet")
				}
				_, err = fmt.Fprintln(a.env.Stdout, h.String())
				return err
			})
		})
	head.Long = `Print the newest entry of the audit trail as "seq N hash H". Keep it
somewhere the database's owner cannot rewrite (a ticket, another machine):
keydesk audit verify --expect N:H later proves that the trail was not cut
back or rewritten up to that entry.`
	return head
}

// verifyError says why the trail does not verify, in one line.
func verifyError(err error) error {
	var (
		broken  *store.ChainError
		anchor  *store.AnchorError
		records *store.RecordsError
	)
	if errors.As(err, &broken) || errors.As(err, &anchor) || errors.As(err, &records) {
		return fmt.Errorf("the audit trail does not verify: %s", err.Error())
	}
	return err
}

// readAnchors reads every line of an anchor file; a line that is not an
// anchor is refused, as a file that cannot be checked whole proves nothing.
func (a *app) readAnchors(name string) ([]model.AuditAnchor, error) {
	if a.env.Store != nil {
		return nil, errors.New("here --anchors cannot name a file on the server: run audit verify where the anchor file is, on a copy of the database")
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fileError("cannot read", name, err)
	}
	defer f.Close()
	var anchors []model.AuditAnchor
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		anchor, err := model.ParseAnchorLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %v", name, n, err)
		}
		anchors = append(anchors, anchor)
	}
	if err := sc.Err(); err != nil {
		return nil, fileError("cannot read", name, err)
	}
	if len(anchors) == 0 {
		return nil, fmt.Errorf("%s holds no anchors", name)
	}
	return anchors, nil
}
