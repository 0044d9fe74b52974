package cli

import (
	"fmt"
	"io"

	"github.com/keydesk/keydesk/store"
)

// printSealState says what audit verify proved of the records and of the
// entries' signatures (store/recordseal.go; the README's "What audit
// verify proves").
func printSealState(w io.Writer, st store.AuditState) {
	switch {
	case !st.Sealed:
		fmt.Fprintln(w, "records not sealed: the file is of a schema before 9 (open it once for writing to upgrade it)")
		return
	case st.Signed:
		fmt.Fprintf(w, "every record is what its last entry wrote: %d %s; entries signed with the key file\n",
			st.Records, plural(st.Records, "record", "records"))
	default:
		fmt.Fprintf(w, "every record is what its last entry wrote: %d %s; signatures not checked (no key file): only anchors vouch for the trail\n",
			st.Records, plural(st.Records, "record", "records"))
	}
}
