//go:build !linux

package serve

import "net"

// unreadBytes is how many bytes the client has sent that the server has
// not read yet; here it cannot be told.
func unreadBytes(net.Conn) int { return 0 }

// peekGreeting cannot tell here.
func peekGreeting(net.Conn) greeting { return greetingUnknown }
