package cluster

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// The cluster's node-to-node TLS: an ed25519 CA made by cluster init, and
// one certificate per node naming its node id. Every node certificate
// carries the one DNS name below, so that any node verifies any other
// against the CA alone; who a peer is comes from its certificate's common
// name, checked against the Raft configuration.

// peerName is the DNS name of every node certificate.
const peerName = "keydesk-cluster"

// CA is the cluster's certificate authority.
type CA struct {
	Cert *x509.Certificate
	Key  ed25519.PrivateKey
}

// NewCA makes a CA valid for ten years.
func NewCA() (*CA, error) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "keydesk cluster CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(10, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return &CA{Cert: cert, Key: key}, err
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}

// Fingerprint is what the joiner pins: SHA256 of the CA certificate.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// Issue signs a certificate for node id with public key pub.
func (ca *CA) Issue(id string, pub ed25519.PublicKey) ([]byte, error) {
	if id == "" || len(id) > 64 {
		return nil, errors.New("a node id is 1 to 64 characters")
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: id},
		DNSNames:     []string{peerName},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	return x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, pub, ca.Key)
}

// Identity is a node's TLS identity: its certificate and the CA.
type Identity struct {
	ID   string
	Cert tls.Certificate
	CA   *x509.Certificate
	// CAKey is held by nodes that can sign joiners (every node keeps it,
	// as the CA key is the cluster's; see design 4.11).
	CAKey ed25519.PrivateKey
}

// NewIdentity issues a fresh key and certificate for id from ca.
func NewIdentity(ca *CA, id string) (*Identity, error) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := ca.Issue(id, pub)
	if err != nil {
		return nil, err
	}
	return &Identity{ID: id, Cert: tls.Certificate{Certificate: [][]byte{der, ca.Cert.Raw}, PrivateKey: key}, CA: ca.Cert, CAKey: ca.Key}, nil
}

func (id *Identity) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(id.CA)
	return p
}

// Files of a node's TLS folder (keydesk.tls/), all 0600.
const (
	fileCA     = "ca.pem"
	fileCAKey  = "ca.key"
	fileCert   = "node.pem"
	fileKey    = "node.key"
	fileNodeID = "node-id"
)

// Save writes the identity into dir.
func (id *Identity) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	key, err := x509.MarshalPKCS8PrivateKey(id.Cert.PrivateKey)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		fileCA:     pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.CA.Raw}),
		fileCert:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Cert.Certificate[0]}),
		fileKey:    pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}),
		fileNodeID: []byte(id.ID + "\n"),
	}
	if id.CAKey != nil {
		caKey, err := x509.MarshalPKCS8PrivateKey(id.CAKey)
		if err != nil {
			return err
		}
		files[fileCAKey] = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: caKey})
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// LoadIdentity reads what Save wrote.
func LoadIdentity(dir string) (*Identity, error) {
	read := func(name, kind string) ([]byte, error) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		b, _ := pem.Decode(data)
		if b == nil || b.Type != kind {
			return nil, fmt.Errorf("%s is not a PEM %s", filepath.Join(dir, name), kind)
		}
		return b.Bytes, nil
	}
	readCert := func(name string) (*x509.Certificate, []byte, error) {
		der, err := read(name, "CERTIFICATE")
		if err != nil {
			return nil, nil, err
		}
		c, err := x509.ParseCertificate(der)
		return c, der, err
	}
	readKey := func(name string) (any, error) {
		der, err := read(name, "PRIVATE KEY")
		if err != nil {
			return nil, err
		}
		return x509.ParsePKCS8PrivateKey(der)
	}
	ca, caDER, err := readCert(fileCA)
	if err != nil {
		return nil, err
	}
	cert, certDER, err := readCert(fileCert)
	if err != nil {
		return nil, err
	}
	key, err := readKey(fileKey)
	if err != nil {
		return nil, err
	}
	id := &Identity{ID: cert.Subject.CommonName, Cert: tls.Certificate{Certificate: [][]byte{certDER, caDER}, PrivateKey: key, Leaf: cert}, CA: ca}
	if k, err := readKey(fileCAKey); err == nil {
		id.CAKey, _ = k.(ed25519.PrivateKey)
	}
	return id, nil
}
