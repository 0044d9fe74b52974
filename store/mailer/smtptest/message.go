package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// Message is one message as the server received it.
type Message struct {
	From string   // MAIL FROM
	To   []string // RCPT TO, in order
	Data []byte   // headers and body, as sent
}

// Header returns a header, with encoded words (=?UTF-8?q?...?=) decoded.
func (m Message) Header(name string) (string, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return "", err
	}
	return new(mime.WordDecoder).DecodeHeader(msg.Header.Get(name))
}

// Part returns the decoded text of the first part with the given media
// type ("text/plain", "text/html"), looking inside multipart sections.
func (m Message) Part(mediaType string) (string, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return "", err
	}
	text, err := findPart(textproto.MIMEHeader(msg.Header), msg.Body, mediaType)
	if errors.Is(err, errNoPart) {
		return "", fmt.Errorf("message has no %s part", mediaType)
	}
	return text, err
}

var errNoPart = errors.New("no such part")

func findPart(h textproto.MIMEHeader, body io.Reader, want string) (string, error) {
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart() // raw: decoding is done below, the same way for every part
			if err == io.EOF {
				return "", errNoPart
			}
			if err != nil {
				return "", err
			}
			text, err := findPart(p.Header, p, want)
			if !errors.Is(err, errNoPart) {
				return text, err
			}
		}
	}
	if mediaType != want {
		return "", errNoPart
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	data, err := io.ReadAll(body)
	return string(data), err
}
