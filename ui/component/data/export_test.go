package data

// What only the tests use: the field a query matched (to check the
// ranking), whole marks of a search, memory figures, one key's profile rule.

import "github.com/keydesk/keydesk/model"

// KeyMatchField names the field of a key where a query matched ("serial",
// "MAC", "RFID", "holder", "e-mail"), "" if none: a screen can say why a
// row is in the list.
func (x *Index) KeyMatchField(k *KeyRow, query string) string {
	r := k.r()
	return x.matchField(keyFields, &x.keyText, x.dirtyKeys, x.keyByID, r.key.ID, r.text, query)
}

// EmployeeMatchField is KeyMatchField for employees ("name", "e-mail",
// "department", "position", "phone", "key").
func (x *Index) EmployeeMatchField(e *EmployeeRow, query string) string {
	r := e.r()
	return x.matchField(employeeFields, &x.employeeText, x.dirtyEmployees, x.employeeByID, r.emp.ID, r.text, query)
}

// matchField names the field of fields where query matches record id's
// row of text (own: its text if written since text was built).
func (x *Index) matchField(fields []string, text *searchText, dirty map[int32]struct{}, byID idTable, id uint64, own, query string) string {
	i, ok := byID.get(id)
	if !ok {
		return ""
	}
	return fieldName(fields, fieldOf(x.rowText(text, dirty, i, own), query))
}

func (x *Index) rowText(s *searchText, dirty map[int32]struct{}, i int32, own string) string {
	if _, ok := dirty[i]; ok || int(i) >= len(s.starts)-1 {
		return own
	}
	return s.text[s.starts[i]:s.starts[i+1]]
}

func fieldName(names []string, i int) string {
	if i < 0 || i >= len(names) {
		return ""
	}
	return names[i]
}

// KeysMatching marks the keys whose serial, MAC (with or without its
// colons), RFID or holder holds every word of the normalized query; nil
// for "" (all).
func (x *Index) KeysMatching(query string) []bool {
	if query == "" {
		return nil
	}
	return hits(x.keyRanks(query))
}

// GramBytes is the memory of the gram indexes.
func (x *Index) GramBytes() int {
	return x.keyText.grams.get().Bytes() + x.employeeText.grams.get().Bytes()
}

// ProfileChangeable reports whether the model allows the key another
// profile now.
func (k *KeyRow) ProfileChangeable() bool { return model.ProfileChangeAllowed(k.r().key.Status) }
