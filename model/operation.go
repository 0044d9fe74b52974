package model

// Operation is one thing an admin can ask keydesk to do, on a screen or
// as a command (SPEC 7). The permissions table says which roles may.
type Operation uint8

const (
	OpOpenScreens Operation = iota + 1 // the terminal UI: lists, pages, history
	OpDemo
	OpImportKeys
	OpImportEmployees
	OpExportKeys
	OpExportEmployees
	OpExportAudit
	OpAuditVerify
	OpEmployeeAdd
	OpEmployeeEdit
	OpEmployeeDelete
	OpKeyAssign
	OpKeyCode
	OpKeyCodeEmail
	OpKeyReissue
	OpKeySuspend
	OpKeyUnlock
	OpKeyRemove
	OpKeyCompromise
	OpKeyWiped
	OpDeviceActivate
	OpDevicePinLocked
	OpSettingsShow
	OpSettingsChange
	OpSettingsTest
	OpBackup
	OpServe
	OpVersion
	OpAdminList
	OpAdminAdd
	OpAdminRole
	OpAdminRemove
	OpProfileList
	OpProfileShow
	OpProfileAdd
	OpProfileEdit
	OpProfileDelete
	OpKeyProfile
	OpKeyLicence
	OpKeyRFID
	OpDeviceProfileApplied
	OpEmployeeLeave // the directory issue
	OpEmployeeReturn
	OpDirectorySync
	OpDirectorySettings
	OpDirectoryStatus
	OpKeyReportLost
	OpClusterStatus // the cluster issue (clusterops.go)
	OpClusterToken
	OpClusterRemove
	OpClusterTransfer
	opEnd // keep last: Operations is built up to it
)

// Operations lists every operation, for exhaustive tests and help.
var Operations = func() []Operation {
	ops := make([]Operation, 0, opEnd-1)
	for op := OpOpenScreens; op < opEnd; op++ {
		ops = append(ops, op)
	}
	return ops
}()

// operationInfo says how an operation is called on the command line and
// how a refusal words it ("marking a key compromised needs an admin").
var operationInfo = map[Operation]struct{ command, doing string }{
	OpOpenScreens:          {"(the screens)", "opening the screens"},
	OpDemo:                 {"demo", "filling the database with demo data"},
	OpImportKeys:           {"import keys", "importing keys"},
	OpImportEmployees:      {"import employees", "importing employees"},
	OpExportKeys:           {"export keys", "exporting the keys"},
	OpExportEmployees:      {"export employees", "exporting the employees"},
	OpExportAudit:          {"export audit", "exporting the audit trail"},
	OpAuditVerify:          {"audit verify", "verifying the audit trail"},
	OpEmployeeAdd:          {"employee add", "adding an employee"},
	OpEmployeeEdit:         {"employee edit", "editing an employee"},
	OpEmployeeDelete:       {"employee delete", "deleting an employee"},
	OpKeyAssign:            {"key assign", "assigning a key"},
	OpKeyCode:              {"key code", "showing an activation code"},
	OpKeyCodeEmail:         {"key code --email", "e-mailing an activation code"},
	OpKeyReissue:           {"key reissue", "reissuing an activation code"},
	OpKeySuspend:           {"key suspend", "suspending a key"},
	OpKeyUnlock:            {"key unlock", "unlocking a key"},
	OpKeyRemove:            {"key remove", "removing a key"},
	OpKeyCompromise:        {"key compromise", "marking a key compromised"},
	OpKeyWiped:             {"key wiped", "marking a key wiped"},
	OpDeviceActivate:       {"device activate", "reporting a code typed on a key"},
	OpDevicePinLocked:      {"device pin-locked", "reporting a key locked by its PIN"},
	OpSettingsShow:         {"settings smtp", "reading the mail settings"},
	OpSettingsChange:       {"settings smtp --host ...", "changing the mail settings"},
	OpSettingsTest:         {"settings smtp test", "sending a test e-mail"},
	OpBackup:               {"backup", "making a backup"},
	OpServe:                {"serve", "serving the database over SSH"},
	OpVersion:              {"version", "showing the version"},
	OpAdminList:            {"admin list", "listing the admins"},
	OpAdminAdd:             {"admin add", "adding an admin"},
	OpAdminRole:            {"admin role", "changing an admin's role"},
	OpAdminRemove:          {"admin remove", "removing an admin"},
	OpProfileList:          {"profile list", "listing the access profiles"},
	OpProfileShow:          {"profile show", "showing an access profile"},
	OpProfileAdd:           {"profile add", "adding an access profile"},
	OpProfileEdit:          {"profile edit", "changing an access profile"},
	OpProfileDelete:        {"profile delete", "deleting an access profile"},
	OpKeyProfile:           {"key profile", "changing a key's profile"},
	OpKeyLicence:           {"key licence", "changing a key's licence"},
	OpKeyRFID:              {"key rfid", "changing a key's RFID"},
	OpDeviceProfileApplied: {"device profile-applied", "reporting a profile applied on a key"},
	OpEmployeeLeave:        {"employee leave", "marking an employee as left"},
	OpEmployeeReturn:       {"employee return", "marking a leaver as back"},
	OpDirectorySync:        {"directory sync", "syncing the employees with the directory"},
	OpDirectorySettings:    {"directory settings --url ...", "changing the directory settings"},
	OpDirectoryStatus:      {"directory status", "reading the directory sync's state"},
	OpKeyReportLost:        {"key report-lost", "reporting a key lost"},
}

// Command is the operation as typed after "keydesk".
func (op Operation) Command() string { return operationInfo[op].command }

// Doing names the operation in a sentence: "marking a key compromised".
func (op Operation) Doing() string {
	if d := operationInfo[op].doing; d != "" {
		return d
	}
	return "that"
}

// eventOperations is the operation behind each event an admin can choose
// on a key, so that screens offer a key's actions by status and role.
var eventOperations = map[EventKind]Operation{
	EventImport:     OpImportKeys,
	EventAssign:     OpKeyAssign,
	EventEnterCode:  OpDeviceActivate,
	EventSuspend:    OpKeySuspend,
	EventUnlock:     OpKeyUnlock,
	EventPinLocked:  OpDevicePinLocked,
	EventRemove:     OpKeyRemove,
	EventWiped:      OpKeyWiped,
	EventCompromise: OpKeyCompromise,
	EventReissue:    OpKeyReissue,
	EventReportLost: OpKeyReportLost,
}

// EventOperation is the operation that causes the event.
func EventOperation(ev EventKind) Operation { return eventOperations[ev] }
