package model

import "strings"

// permissions is SPEC 9 as data: which roles may run each operation. It is
// the only place that says so; the store checks it before every operation
// and screens ask it to offer only what will work.
var permissions = map[Operation][]Role{
	OpOpenScreens:          {RoleAdmin, RoleHelpdesk, RoleAuditor},
	OpDemo:                 {RoleAdmin},
	OpImportKeys:           {RoleAdmin},
	OpImportEmployees:      {RoleAdmin},
	OpExportKeys:           {RoleAdmin, RoleHelpdesk, RoleAuditor},
	OpExportEmployees:      {RoleAdmin, RoleHelpdesk, RoleAuditor},
	OpExportAudit:          {RoleAdmin, RoleAuditor},
	OpAuditVerify:          {RoleAdmin, RoleHelpdesk, RoleAuditor},
	OpEmployeeAdd:          {RoleAdmin, RoleHelpdesk},
	OpEmployeeEdit:         {RoleAdmin, RoleHelpdesk},
	OpEmployeeDelete:       {RoleAdmin},
	OpKeyAssign:            {RoleAdmin, RoleHelpdesk},
	OpKeyCode:              {RoleAdmin, RoleHelpdesk},
	OpKeyCodeEmail:         {RoleAdmin, RoleHelpdesk},
	OpKeyReissue:           {RoleAdmin, RoleHelpdesk},
	OpKeySuspend:           {RoleAdmin, RoleHelpdesk},
	OpKeyUnlock:            {RoleAdmin, RoleHelpdesk},
	OpKeyRemove:            {RoleAdmin},
	OpKeyCompromise:        {RoleAdmin},
	OpKeyWiped:             {RoleAdmin},
	OpDeviceActivate:       {RoleAdmin},
	OpDevicePinLocked:      {RoleAdmin},
	OpSettingsShow:         {RoleAdmin, RoleHelpdesk, RoleAuditor},
	OpSettingsChange:       {RoleAdmin},
	OpSettingsTest:         {RoleAdmin},
	OpBackup:               {RoleAdmin},
	OpServe:                {RoleAdmin},
	OpVersion:              {RoleAdmin, RoleHelpdesk, RoleAuditor},
	OpAdminList:            {RoleAdmin, RoleAuditor},
	OpAdminAdd:             {RoleAdmin},
	OpAdminRole:            {RoleAdmin},
	OpAdminRemove:          {RoleAdmin},
	OpProfileList:          {RoleAdmin, RoleHelpdesk, RoleAuditor},
	OpProfileShow:          {RoleAdmin, RoleHelpdesk, RoleAuditor},
	OpProfileAdd:           {RoleAdmin},
	OpProfileEdit:          {RoleAdmin},
	OpProfileDelete:        {RoleAdmin},
	OpKeyProfile:           {RoleAdmin},
	OpKeyLicence:           {RoleAdmin},
	OpKeyRFID:              {RoleAdmin},
	OpDeviceProfileApplied: {RoleAdmin},
	OpEmployeeLeave:        {RoleAdmin},
	OpEmployeeReturn:       {RoleAdmin},
	OpDirectorySync:        {RoleAdmin},
	OpDirectorySettings:    {RoleAdmin},
	OpDirectoryStatus:      {RoleAdmin, RoleHelpdesk, RoleAuditor},
	OpKeyReportLost:        {RoleAdmin, RoleHelpdesk},
}

// Permitted reports whether role r may run op.
func Permitted(r Role, op Operation) bool {
	for _, allowed := range permissions[op] {
		if allowed == r {
			return true
		}
	}
	return false
}

// Permit refuses an operation the actor's role does not allow, naming
// who they are and who may: "helen is helpdesk: marking a key compromised
// needs an admin".
func Permit(a Actor, op Operation) error {
	if Permitted(a.Role, op) {
		return nil
	}
	var who []string
	for _, r := range permissions[op] {
		who = append(who, r.noun())
	}
	role := a.Role.String()
	if !a.Role.Valid() {
		role = "not an admin"
	}
	if len(who) == 0 {
		return refuse("%s is %s: nobody may do %s", a.Name, role, op.Doing())
	}
	return refuse("%s is %s: %s needs %s", a.Name, role, op.Doing(), strings.Join(who, " or "))
}
