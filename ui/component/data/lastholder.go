package data

import "github.com/keydesk/keydesk/model"

// LastHolder is who held the key before it was last taken back (name and
// e-mail, safe to print), "" when nobody did or they were deleted since.
func (k *KeyRow) LastHolder() string {
	row := k.r().lastHolder
	if row == nil {
		return ""
	}
	e := row.r()
	if e == nil || e.gone {
		return ""
	}
	return model.Printable(e.emp.FullName()) + " <" + model.Printable(e.emp.Email) + ">"
}
