package record

import "encoding/binary"

// ID is a record's key in its bucket: its id, 8 bytes big-endian, so that
// bbolt keeps records in id order.
func ID(id uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, id)
	return b
}

// ParseID reads what ID wrote; 0 for anything else.
func ParseID(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// IndexValue is what a unique index holds for a record: its id as a
// uvarint (since schema 7; 8 bytes before).
func IndexValue(id uint64) []byte { return binary.AppendUvarint(nil, id) }

// IndexID reads an index value; 0 for a damaged one. 8 bytes are an id
// as schemas 1 to 6 stored it (a uvarint that long would be an id past
// 2^49), in a file opened read-only.
func IndexID(v []byte) uint64 {
	if len(v) == 8 {
		return ParseID(v)
	}
	id, n := binary.Uvarint(v)
	if n != len(v) {
		return 0
	}
	return id
}
