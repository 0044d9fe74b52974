package smtptest

import "github.com/emersion/go-sasl"

// loginServer is the server side of AUTH LOGIN, which go-sasl does not
// ship: ask for the user name, then the password, then check both.
type loginServer struct {
	step  int
	user  string
	check func(user, password string) error
}

func (a *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch a.step {
	case 0:
		a.step++
		if len(response) == 0 {
			return []byte("Username:"), false, nil
		}
		a.user = string(response) // the client sent the name with AUTH LOGIN
		a.step++
		return []byte("Password:"), false, nil
	case 1:
		a.user = string(response)
		a.step++
		return []byte("Password:"), false, nil
	default:
		return nil, true, a.check(a.user, string(response))
	}
}

var _ sasl.Server = (*loginServer)(nil)
