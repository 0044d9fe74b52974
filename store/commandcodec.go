package store

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"reflect"
	"time"

	"github.com/keydesk/keydesk/model"
	"github.com/keydesk/keydesk/store/secrets"
)

// A command's binary form, so that a log of commands can be kept and
// shipped. Version 2:
//
//	version   uint16, big endian
//	request   16 bytes
//	op        uvarint (model.Operation)
//	args kind uvarint (argsKinds)
//	actor     name, role (uvarint), fingerprint, bootstrap (one byte)
//	time      varint, Unix nanoseconds (0: no time)
//	seed      sealed (below); none for a zero seed
//	args      the rest: the arguments' fields in declaration order
//
// Strings are a uvarint length and the bytes; signed integers varints,
// unsigned ones uvarints, booleans one byte, times as above, slices a
// uvarint count and the elements, structs their exported fields in order.
// Arguments that end early decode with their later fields empty, so that
// a field added at the end needs no new version. A field's type, order or
// meaning never changes within a version; TestCommandEncodingIsStable
// holds the bytes of every kind.
//
// No secret is in the bytes in clear (issue 20: a log of commands must
// not give away a code): the seed, from which apply draws an activation
// code's digits, and every secret field of the arguments (secretFields:
// a typed code, a password) are sealed with the database's key file
// (secrets.Box, AES-GCM), each as a uvarint length and the sealed bytes,
// length 0 for a zero seed or an empty field. A node without the key file
// can neither write nor read such a command; every node with it decodes
// the same command, and so applies it identically.
//
// Version 1 was the same with the seed as 32 bytes and every field in
// clear. It is still read, so that a log written before version 2 is
// applied as it was; it is never written.

// commandVersion is the encoding of commands written by this keydesk.
const commandVersion = 2

// secretFields are the arguments' fields that the encoding seals, by the
// struct that holds them. TestEveryArgsSecretIsSealed finds a new field
// named like a secret that is missing here.
var secretFields = map[reflect.Type]map[string]bool{
	reflect.TypeFor[enterCodeArgs]():           {"Code": true},
	reflect.TypeFor[model.SMTPSettings]():      {"Password": true},
	reflect.TypeFor[model.DirectorySettings](): {"Password": true},
	// A join token's hash is not the token, but it names a live token until
	// it is spent: the log has no use for it in clear.
	reflect.TypeFor[clusterEventArgs](): {"TokenHash": true},
	reflect.TypeFor[clusterJoinArgs]():  {"TokenHash": true},
}

// sealContext binds a sealed part of a command to what it is, so that a
// sealed code cannot be read as a password or a seed.
func sealContext(what string) []byte { return []byte("keydesk command v2 " + what) }

// argsKinds tags each type of arguments in the encoding. A tag is never
// reused or renumbered; new kinds take the next number.
var argsKinds = []struct {
	tag  uint64
	zero Args
}{
	{1, checkArgs{}},
	{2, keyEventArgs{}},
	{3, assignArgs{}},
	{4, showCodeArgs{}},
	{5, enterCodeArgs{}},
	{6, addEmployeeArgs{}},
	{7, editEmployeeArgs{}},
	{8, deleteEmployeeArgs{}},
	{9, addAdminArgs{}},
	{10, adminRoleArgs{}},
	{11, removeAdminArgs{}},
	{12, adminSeenArgs{}},
	{13, addProfileArgs{}},
	{14, editProfileArgs{}},
	{15, deleteProfileArgs{}},
	{16, keyEditArgs{}},
	{17, smtpArgs{}},
	{18, codeEmailArgs{}},
	{19, backupArgs{}},
	{20, importKeysArgs{}},
	{21, importEmployeesArgs{}},
	{22, demoArgs{}},
	{23, refusalCountArgs{}},
	// The directory issue.
	{24, lifecycleArgs{}},
	{25, directorySettingsArgs{}},
	{26, syncArgs{}},
	{27, syncRefusedArgs{}},
}

// ErrCommandEncoding says a command cannot be encoded or decoded.
var ErrCommandEncoding = errors.New("not a keydesk command")

func argsTag(a Args) (uint64, bool) {
	t := reflect.TypeOf(a)
	for _, k := range argsKinds {
		if reflect.TypeOf(k.zero) == t {
			return k.tag, true
		}
	}
	return 0, false
}

// EncodeCommand is cmd's binary form in the current version, its secrets
// sealed with box (the database's key file). A command that carries a
// secret (a seed, a code, a password) is not encoded without it.
func EncodeCommand(cmd *Command, box *secrets.Box) ([]byte, error) {
	return encodeCommand(cmd, box, rand.Reader)
}

// encodeCommand is EncodeCommand with the seals' nonces drawn from nonces.
func encodeCommand(cmd *Command, box *secrets.Box, nonces io.Reader) ([]byte, error) {
	tag, ok := argsTag(cmd.Args)
	if !ok {
		return nil, fmt.Errorf("%w: arguments of type %T have no encoding", ErrCommandEncoding, cmd.Args)
	}
	e := &commandEncoder{buf: binary.BigEndian.AppendUint16(make([]byte, 0, 128), commandVersion), box: box, nonces: nonces}
	e.buf = append(e.buf, cmd.RequestID[:]...)
	e.uint(uint64(cmd.Op))
	e.uint(tag)
	e.str(cmd.Actor.Name)
	e.uint(uint64(cmd.Actor.Role))
	e.str(cmd.Actor.Fingerprint)
	e.bool(cmd.Actor.Bootstrap)
	e.time(cmd.Time)
	if cmd.Seed == ([32]byte{}) {
		e.uint(0)
	} else if err := e.sealed(cmd.Seed[:], "seed"); err != nil {
		return nil, err
	}
	args := cmd.Args
	if p, ok := args.(packedArgs); ok {
		args = p.unpacked() // importtable.go
	}
	if err := e.value(reflect.ValueOf(args), ""); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// DecodeCommand reads what EncodeCommand wrote, opening its secrets with
// box. It refuses a version it does not know: a node must not apply a
// command it might misread.
func DecodeCommand(b []byte, box *secrets.Box) (*Command, error) {
	if len(b) < 2+16 {
		return nil, fmt.Errorf("%w: %d bytes", ErrCommandEncoding, len(b))
	}
	cmd := &Command{Version: binary.BigEndian.Uint16(b)}
	if cmd.Version == 0 || cmd.Version > commandVersion {
		return nil, fmt.Errorf("%w: version %d (this keydesk knows up to %d)", ErrCommandEncoding, cmd.Version, commandVersion)
	}
	copy(cmd.RequestID[:], b[2:])
	d := &commandDecoder{buf: b, pos: 2 + 16, version: cmd.Version, box: box}
	op := d.uint()
	tag := d.uint()
	cmd.Actor.Name = d.str()
	role := d.uint()
	cmd.Actor.Fingerprint = d.str()
	cmd.Actor.Bootstrap = d.bool()
	cmd.Time = d.time()
	if cmd.Version == 1 {
		copy(cmd.Seed[:], d.bytes(len(cmd.Seed)))
	} else if seed := d.sealed("seed"); d.err == nil && len(seed) != 0 {
		if len(seed) != len(cmd.Seed) {
			d.fail("a seed of the wrong length")
		}
		copy(cmd.Seed[:], seed)
	}
	if d.err != nil {
		return nil, d.err
	}
	if op > 255 || role > 255 {
		return nil, fmt.Errorf("%w: operation %d, role %d", ErrCommandEncoding, op, role)
	}
	cmd.Op, cmd.Actor.Role = model.Operation(op), model.Role(role)
	for _, k := range argsKinds {
		if k.tag == tag {
			v := reflect.New(reflect.TypeOf(k.zero)).Elem()
			d.value(v, "")
			if d.err != nil {
				return nil, d.err
			}
			if d.pos != len(d.buf) {
				return nil, fmt.Errorf("%w: %d bytes after the arguments", ErrCommandEncoding, len(d.buf)-d.pos)
			}
			cmd.Args = v.Interface().(Args)
			return cmd, nil
		}
	}
	return nil, fmt.Errorf("%w: unknown arguments %d", ErrCommandEncoding, tag)
}

// commandEncoder writes a command; box and nonces seal its secrets.
type commandEncoder struct {
	buf    []byte
	box    *secrets.Box
	nonces io.Reader
}

func (e *commandEncoder) uint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *commandEncoder) int(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }
func (e *commandEncoder) str(s string)  { e.uint(uint64(len(s))); e.buf = append(e.buf, s...) }

func (e *commandEncoder) time(t time.Time) {
	if t.IsZero() {
		e.int(0)
		return
	}
	e.int(t.UnixNano())
}

// sealed writes plain sealed, as a length and the sealed bytes.
func (e *commandEncoder) sealed(plain []byte, what string) error {
	if e.box == nil {
		return fmt.Errorf("%w: its %s is sealed with the database's key file, and there is none here", ErrCommandEncoding, what)
	}
	sealed, err := e.box.SealFrom(e.nonces, plain, sealContext(what))
	if err != nil {
		return fmt.Errorf("%w: sealing its %s: %v", ErrCommandEncoding, what, err)
	}
	e.str(string(sealed))
	return nil
}

func (e *commandEncoder) bool(v bool) {
	if v {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

var timeType = reflect.TypeFor[time.Time]()

// value writes v; secret, when not "", is the name of the secret field v
// is (secretFields).
func (e *commandEncoder) value(v reflect.Value, secret string) error {
	if v.Type() == timeType {
		e.time(v.Interface().(time.Time))
		return nil
	}
	switch v.Kind() {
	case reflect.Bool:
		e.bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		e.uint(v.Uint())
	case reflect.String:
		if secret == "" || v.Len() == 0 {
			e.str(v.String())
			return nil
		}
		return e.sealed([]byte(v.String()), secret)
	case reflect.Slice:
		e.uint(uint64(v.Len()))
		for i := range v.Len() {
			if err := e.value(v.Index(i), ""); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		hidden := secretFields[t]
		for i := range v.NumField() {
			f := t.Field(i)
			if f.Tag.Get("command") == "-" {
				continue // another form of a field before it, held in memory (importtable.go)
			}
			if !f.IsExported() {
				return fmt.Errorf("%w: %s.%s is not exported", ErrCommandEncoding, t, f.Name)
			}
			if hidden[f.Name] && f.Type.Kind() != reflect.String {
				return fmt.Errorf("%w: the secret %s.%s is not a string", ErrCommandEncoding, t, f.Name)
			}
			secret := ""
			if hidden[f.Name] {
				secret = f.Name
			}
			if err := e.value(v.Field(i), secret); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%w: no encoding for %s", ErrCommandEncoding, v.Type())
	}
	return nil
}

// commandDecoder reads a command; the first problem stops it.
type commandDecoder struct {
	buf     []byte
	pos     int
	err     error
	version uint16
	box     *secrets.Box
}

func (d *commandDecoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s at byte %d", ErrCommandEncoding, what, d.pos)
	}
}

func (d *commandDecoder) uint() uint64 { return readNumber(d, binary.Uvarint) }
func (d *commandDecoder) int() int64   { return readNumber(d, binary.Varint) }

func readNumber[T uint64 | int64](d *commandDecoder, read func([]byte) (T, int)) T {
	if d.err != nil {
		return 0
	}
	v, n := read(d.buf[d.pos:])
	if n <= 0 {
		d.fail("a damaged number")
		return 0
	}
	d.pos += n
	return v
}

func (d *commandDecoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.buf)-d.pos {
		d.fail("a length past the end")
		return nil
	}
	b := d.buf[d.pos : d.pos+n]
	d.pos += n
	return b
}

func (d *commandDecoder) str() string {
	n := d.uint()
	if n > uint64(len(d.buf)) {
		d.fail("a length past the end")
		return ""
	}
	return string(d.bytes(int(n)))
}

// sealed reads what commandEncoder.sealed wrote, opened; nil for none.
func (d *commandDecoder) sealed(what string) []byte {
	raw := d.str()
	if d.err != nil || raw == "" {
		return nil
	}
	if d.box == nil {
		d.fail("a sealed " + what + ", and no key file to open it")
		return nil
	}
	plain, err := d.box.Open([]byte(raw), sealContext(what))
	if err != nil {
		d.fail("a sealed " + what + " that does not open with this key file (another database's key?)")
		return nil
	}
	return plain
}

func (d *commandDecoder) bool() bool {
	b := d.bytes(1)
	switch {
	case d.err != nil:
		return false
	case b[0] > 1:
		d.fail("a damaged boolean")
	}
	return b[0] == 1
}

func (d *commandDecoder) time() time.Time {
	ns := d.int()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// value fills v; secret, when not "", names the secret field v is,
// sealed since version 2.
// A struct whose bytes end at a field boundary keeps its later fields
// empty (arguments written before those fields existed).
func (d *commandDecoder) value(v reflect.Value, secret string) {
	if d.err != nil {
		return
	}
	if v.Type() == timeType {
		v.Set(reflect.ValueOf(d.time()))
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(d.bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := d.int()
		if v.OverflowInt(n) {
			d.fail("a number out of range")
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n := d.uint()
		if v.OverflowUint(n) {
			d.fail("a number out of range")
		}
		v.SetUint(n)
	case reflect.String:
		if secret != "" && d.version >= 2 {
			v.SetString(string(d.sealed(secret)))
			return
		}
		v.SetString(d.str())
	case reflect.Slice:
		n := d.uint()
		if n > uint64(len(d.buf)-d.pos) { // every element takes a byte at least
			d.fail("a count past the end")
			return
		}
		if n == 0 {
			v.SetZero() // nil, as an empty slice encodes
			return
		}
		s := reflect.MakeSlice(v.Type(), int(n), int(n))
		for i := range int(n) {
			d.value(s.Index(i), "")
		}
		v.Set(s)
	case reflect.Struct:
		hidden := secretFields[v.Type()]
		for i := range v.NumField() {
			if d.pos == len(d.buf) {
				return
			}
			if v.Type().Field(i).Tag.Get("command") == "-" {
				continue
			}
			secret := ""
			if name := v.Type().Field(i).Name; hidden[name] {
				secret = name
			}
			d.value(v.Field(i), secret)
		}
	default:
		d.fail("no decoding for " + v.Type().String())
	}
}
