package cli

import (
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store"
	"github.com/spf13/cobra"
)

// The exports of SPEC 7: snake_case fields, statuses and reasons as the
// words of SPEC 2 ("" for none), never an activation code.

type keyRecord struct {
	Serial        string `json:"serial"`
	MAC           string `json:"mac"`
	Model         string `json:"model"`
	Firmware      string `json:"firmware"`
	RFID          string `json:"rfid"`
	Status        string `json:"status"`
	Reason        string `json:"reason"`
	Note          string `json:"note"`
	EmployeeEmail string `json:"employee_email"`
	// Schema 5: the access profile's name, the licence's end date
	// (YYYY-MM-DD, "" for none) and its status on the day of the export.
	Profile       string `json:"profile"`
	LicenceUntil  string `json:"licence_until"`
	LicenceStatus string `json:"licence_status"`
	// The directory issue: who held the key before it was taken back.
	LastHolder string `json:"last_holder"`
}

var keyColumns = []string{"serial", "mac", "model", "firmware", "rfid", "status", "reason", "note", "employee_email",
	"profile", "licence_until", "licence_status", "last_holder"}

func (r *keyRecord) appendValues(dst []string) []string {
	return append(dst, r.Serial, r.MAC, r.Model, r.Firmware, r.RFID, r.Status, r.Reason, r.Note, r.EmployeeEmail,
		r.Profile, r.LicenceUntil, r.LicenceStatus, r.LastHolder)
}

type employeeRecord struct {
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Email      string `json:"email"`
	Phone      string `json:"phone"`
	Department string `json:"department"`
	Position   string `json:"position"`
	KeySerial  string `json:"key_serial"`
	Company    string `json:"company"` // schema 5
	// The directory issue: the directory's id and the lifecycle.
	ExternalID string `json:"external_id"`
	Status     string `json:"status"`  // active or left
	LeftAt     string `json:"left_at"` // RFC 3339, "" while active
	LeftReason string `json:"left_reason"`
}

var employeeColumns = []string{"first_name", "last_name", "email", "phone", "department", "position", "key_serial", "company",
	"external_id", "status", "left_at", "left_reason"}

func (r *employeeRecord) appendValues(dst []string) []string {
	return append(dst, r.FirstName, r.LastName, r.Email, r.Phone, r.Department, r.Position, r.KeySerial, r.Company,
		r.ExternalID, r.Status, r.LeftAt, r.LeftReason)
}

// leftAt is when an employee left as exported ("" while active).
func leftAt(e model.Employee) string {
	if !e.HasLeft() {
		return ""
	}
	return e.LeftAt.UTC().Format(time.RFC3339)
}

type auditRecord struct {
	Seq        uint64 `json:"seq"`
	Time       string `json:"time"`
	Actor      string `json:"actor"`
	Action     string `json:"action"`
	Target     string `json:"target"`
	FromStatus string `json:"from_status"`
	ToStatus   string `json:"to_status"`
	Reason     string `json:"reason"`
	Note       string `json:"note"`
	Hash       string `json:"hash"`
	PrevHash   string `json:"prev_hash"`
}

var auditColumns = []string{"seq", "time", "actor", "action", "target", "from_status", "to_status", "reason", "note", "hash", "prev_hash"}

func (r *auditRecord) appendValues(dst []string) []string {
	return append(dst, formatUint(r.Seq), r.Time, r.Actor, r.Action, r.Target, r.FromStatus, r.ToStatus, r.Reason, r.Note, r.Hash, r.PrevHash)
}

func newAuditRecord(e model.AuditEntry) auditRecord {
	return auditRecord{
		Seq: e.Seq, Time: e.Time.UTC().Format(time.RFC3339Nano), Actor: e.Actor, Action: string(e.Action),
		Target: e.Target, FromStatus: model.StatusName(e.From), ToStatus: model.StatusName(e.To),
		Reason: e.Reason.String(), Note: e.Note, Hash: e.Hash, PrevHash: e.PrevHash,
	}
}

func (a *app) exportCommand() *cobra.Command {
	format := newChoice("json", "json", "csv")
	cmd := a.group("export", "Write keys, employees or the audit trail as JSON or CSV",
		a.exportOf("keys", "Write every key", keyColumns, model.OpExportKeys, format, writeKeys),
		a.exportOf("employees", "Write every employee", employeeColumns, model.OpExportEmployees, format, writeEmployees),
		a.exportOf("audit", "Write the audit trail, oldest first", auditColumns, model.OpExportAudit, format, a.writeAudit))()
	cmd.PersistentFlags().Var(format, "format", "json (an array of objects) or csv (with a header line)")
	return cmd
}

// exportOf builds an export: write streams its records, one at a time,
// so that an export of a million keys to a client that reads slowly, or
// not at all, holds no more than one.
func (a *app) exportOf(use, what string, columns []string, op model.Operation, format *choice,
	write func(st *store.Store, out *exporter) error) func() *cobra.Command {
	return func() *cobra.Command {
		return a.command(use, what+" ("+joinWords(columns)+")", argsNamed(), func(*cobra.Command, []string) error {
			return a.readAs(op, func(st *store.Store) error {
				out := newExporter(a.env.Stdout, format.value, columns)
				if err := write(st, out); err != nil {
					return err
				}
				return out.finish()
			})
		})
	}
}

func writeKeys(st *store.Store, out *exporter) error {
	var rec keyRecord // one, reused: nothing allocated per key for it
	return st.EachKey(func(l store.KeyLine, at time.Time) error {
		k := l.Key
		rec = keyRecord{
			Serial: k.Serial, MAC: k.MAC, Model: k.Model, Firmware: k.Firmware, RFID: k.RFID,
			Status: model.StatusName(k.Status), Reason: k.Reason.String(), Note: k.Note,
			EmployeeEmail: l.HolderEmail,
			Profile:       l.Profile, LicenceUntil: model.FormatLicenceDate(k.LicenceUntil),
			LicenceStatus: model.LicenceStatusOf(k.LicenceUntil, at).String(),
			LastHolder:    l.LastHolderEmail,
		}
		return out.add(&rec)
	})
}

func writeEmployees(st *store.Store, out *exporter) error {
	var rec employeeRecord
	return st.EachEmployee(func(e model.Employee, serial string) error {
		rec = employeeRecord{
			FirstName: e.FirstName, LastName: e.LastName, Email: e.Email, Phone: e.Phone,
			Department: e.Department, Position: e.Position, KeySerial: serial,
			Company: e.Company, ExternalID: e.ExternalID, Status: e.Status().String(),
			LeftAt: leftAt(e), LeftReason: e.LeftReason,
		}
		return out.add(&rec)
	})
}

// writeAudit streams the trail: it only grows, and can outgrow memory.
func (a *app) writeAudit(st *store.Store, out *exporter) error {
	return st.AuditOldestFirst(a.actor(), func(e model.AuditEntry) error {
		rec := newAuditRecord(e)
		return out.add(&rec)
	})
}
