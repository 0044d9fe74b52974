// Package slapdtest runs a real OpenLDAP server for tests: its own slapd
// on 127.0.0.1 at free ports, with a temporary config, data folder and
// certificates, never touching the system's configuration. Tests skip
// when slapd is not installed (.ci/run installs it).
package slapdtest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

const (
	BaseDN   = "dc=example,dc=com"
	PeopleDN = "ou=people,dc=example,dc=com"
	AdminDN  = "cn=admin,dc=example,dc=com"
	AdminPW  = "admin-secret"
	ReaderDN = "cn=keydesk,dc=example,dc=com"
	ReaderPW = "reader-secret"
	// SizeLimit is the most entries one search returns unpaged: a read of
	// more must page.
	SizeLimit = 1000
)

// Server is a running slapd.
type Server struct {
	t        testing.TB
	dir      string
	cmd      *exec.Cmd
	exited   chan struct{}
	Port     int    // plain LDAP, for StartTLS
	TLSPort  int    // LDAPS
	URL      string // ldap://127.0.0.1:Port
	LDAPSURL string // ldaps://127.0.0.1:TLSPort
	CAFile   string // PEM of the CA that signed the server's certificate
	// OtherCAFile is a CA that signed nothing here: a server checked
	// against it is not trusted.
	OtherCAFile string
}

// Person is one entry of ou=people.
type Person struct {
	UID, First, Last, Mail, Department, Title, Phone string
}

// Entry is the person's LDIF.
func (p Person) Entry() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dn: uid=%s,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s %s\nsn: %s\ngivenName: %s\nmail: %s\n",
		p.UID, PeopleDN, p.UID, p.First, p.Last, p.Last, p.First, p.Mail)
	if p.Department != "" {
		fmt.Fprintf(&b, "ou: %s\n", p.Department)
	}
	if p.Title != "" {
		fmt.Fprintf(&b, "title: %s\n", p.Title)
	}
	if p.Phone != "" {
		fmt.Fprintf(&b, "telephoneNumber: %s\n", p.Phone)
	}
	return b.String()
}

// Installed reports whether slapd and slapadd can be run.
func Installed() bool {
	for _, name := range []string{"slapd", "slapadd"} {
		if _, err := lookPath(name); err != nil {
			return false
		}
	}
	return true
}

func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	p := "/usr/sbin/" + name
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	return p, nil
}

// Start loads the people with slapadd and starts slapd; it is stopped at
// the end of the test.
func Start(t testing.TB, people []Person) *Server {
	t.Helper()
	if !Installed() {
		t.Skip("slapd is not installed (apt-get install slapd ldap-utils)")
	}
	s := &Server{t: t, dir: t.TempDir(), exited: make(chan struct{})}
	s.writeCerts()
	conf := filepath.Join(s.dir, "slapd.conf")
	os.Mkdir(filepath.Join(s.dir, "data"), 0o700)
	must(t, os.WriteFile(conf, []byte(s.config()), 0o600))
	var ldif bytes.Buffer
	fmt.Fprintf(&ldif, "dn: %s\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n", BaseDN)
	fmt.Fprintf(&ldif, "dn: %s\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: keydesk\nuserPassword: %s\n\n", ReaderDN, ReaderPW)
	fmt.Fprintf(&ldif, "dn: %s\nobjectClass: organizationalUnit\nou: people\n\n", PeopleDN)
	for _, p := range people {
		ldif.WriteString(p.Entry())
		ldif.WriteString("\n")
	}
	ldifPath := filepath.Join(s.dir, "people.ldif")
	must(t, os.WriteFile(ldifPath, ldif.Bytes(), 0o600))
	slapadd, _ := lookPath("slapadd")
	if out, err := exec.Command(slapadd, "-q", "-f", conf, "-l", ldifPath).CombinedOutput(); err != nil {
		t.Fatalf("slapadd: %v\n%s", err, out)
	}
	s.start(conf)
	return s
}

func (s *Server) start(conf string) {
	t := s.t
	s.Port, s.TLSPort = freePort(t), freePort(t)
	s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", s.Port)
	s.LDAPSURL = fmt.Sprintf("ldaps://127.0.0.1:%d", s.TLSPort)
	slapd, _ := lookPath("slapd")
	// -d 0: in the foreground, so that this test owns the process.
	s.cmd = exec.Command(slapd, "-f", conf, "-h", s.URL+"/ "+s.LDAPSURL+"/", "-d", "0")
	var out bytes.Buffer
	s.cmd.Stdout, s.cmd.Stderr = &out, &out
	must(t, s.cmd.Start())
	go func() { s.cmd.Wait(); close(s.exited) }()
	t.Cleanup(s.Stop)
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.Port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-s.exited:
			t.Fatalf("slapd exited at start: %s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("slapd did not listen on %s: %s", s.URL, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop kills slapd (its own process, by its pid) and waits for it.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.exited:
		return
	default:
	}
	s.cmd.Process.Kill()
	<-s.exited
}

// Admin is a connection bound as the directory's manager, to change
// entries between syncs.
func (s *Server) Admin() *ldap.Conn {
	s.t.Helper()
	c, err := ldap.DialURL(s.URL)
	must(s.t, err)
	must(s.t, c.Bind(AdminDN, AdminPW))
	s.t.Cleanup(func() { c.Close() })
	return c
}

func (s *Server) config() string {
	return fmt.Sprintf(`include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile %[1]s/slapd.pid
argsfile %[1]s/slapd.args
TLSCACertificateFile %[1]s/ca.pem
TLSCertificateFile %[1]s/server.pem
TLSCertificateKeyFile %[1]s/server.key
database mdb
maxsize 1073741824
suffix "%[2]s"
rootdn "%[3]s"
rootpw %[4]s
directory %[1]s/data
limits * size.soft=%[5]d size.hard=%[5]d size.prtotal=unlimited
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
`, s.dir, BaseDN, AdminDN, AdminPW, SizeLimit)
}

// writeCerts makes a CA, the server's certificate for 127.0.0.1 and
// localhost, and another CA that signed nothing.
func (s *Server) writeCerts() {
	t := s.t
	ca, caKey := newCA(t, "keydesk test CA")
	s.CAFile = filepath.Join(s.dir, "ca.pem")
	writePEM(t, s.CAFile, "CERTIFICATE", ca.Raw)
	other, _ := newCA(t, "some other CA")
	s.OtherCAFile = filepath.Join(s.dir, "other-ca.pem")
	writePEM(t, s.OtherCAFile, "CERTIFICATE", other.Raw)

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	must(t, err)
	writePEM(t, filepath.Join(s.dir, "server.pem"), "CERTIFICATE", der)
	writePEM(t, filepath.Join(s.dir, "server.key"), "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))
}

func newCA(t testing.TB, name string) (*x509.Certificate, *rsa.PrivateKey) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	cert, err := x509.ParseCertificate(der)
	must(t, err)
	return cert, key
}

func writePEM(t testing.TB, path, kind string, der []byte) {
	must(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600))
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
