package data

import "github.com/keydesk/keydesk/model"

// LastHolder is who held the key before it was last taken back (name and
// e-mail, safe to print), "" when nobody did or they were deleted since.
func (k *KeyRow) LastHolder() string {
	if k.lastHolder == nil {
		return ""
	}
	return model.Printable(k.lastHolder.FullName()) + " <" + model.Printable(k.lastHolder.Email) + ">"
}
