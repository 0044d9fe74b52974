package model

// The cluster's operations over SSH (issue #20): its status is for
// auditors too, changing its membership is an admin's. cluster init,
// join, recover and detach work on a stopped node's files, as the
// machine's own user, who is an admin: they ask what serve asks.
func init() {
	operationInfo[OpClusterStatus] = struct{ command, doing string }{"cluster status", "reading the cluster's status"}
	operationInfo[OpClusterToken] = struct{ command, doing string }{"cluster token", "issuing a join token"}
	operationInfo[OpClusterRemove] = struct{ command, doing string }{"cluster remove", "removing a node from the cluster"}
	operationInfo[OpClusterTransfer] = struct{ command, doing string }{"cluster leader-transfer", "handing the cluster's leadership over"}
	permissions[OpClusterStatus] = []Role{RoleAdmin, RoleAuditor}
	permissions[OpClusterToken] = []Role{RoleAdmin}
	permissions[OpClusterRemove] = []Role{RoleAdmin}
	permissions[OpClusterTransfer] = []Role{RoleAdmin}
}
