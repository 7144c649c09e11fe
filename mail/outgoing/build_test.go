package outgoing

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
)

func TestBuild(t *testing.T) {
	date := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	base := Message{From: "Desk <desk@example.test>", To: []string{"Ann <ann@example.org>"}, Subject: "Re: Drucker [Ticket#10042]",
		Text: "Grüße,\nDesk\n", Date: date, MessageID: "m1@example.test", InReplyTo: "q@example.org", References: []string{"r@x", "q@example.org"}}
	tests := []struct {
		name   string
		edit   func(*Message)
		want   []string // substrings of the output
		absent []string
		err    error
	}{
		{name: "plain text is one quoted-printable part", want: []string{
			"From: \"Desk\" <desk@example.test>\r\n", "To: \"Ann\" <ann@example.org>\r\n", "Content-Type: text/plain; charset=utf-8\r\n",
			"Content-Transfer-Encoding: quoted-printable\r\n", "Gr=C3=BC=C3=9Fe,\r\nDesk\r\n", "In-Reply-To: <q@example.org>\r\n",
			"References: <r@x> <q@example.org>\r\n", "Message-Id: <m1@example.test>\r\n", "Subject: Re: Drucker [Ticket#10042]\r\n",
			"Mime-Version: 1.0\r\n"}, absent: []string{"multipart"}},
		{name: "bcc stays in the header for the envelope", edit: func(m *Message) { m.Bcc = []string{"boss@example.test"} },
			want: []string{"Bcc: <boss@example.test>\r\n"}},
		{name: "non-ASCII subject is an encoded word", edit: func(m *Message) { m.Subject = "Grüße [Ticket#10042]" },
			want: []string{"Subject: =?utf-8?"}, absent: []string{"Grüße"}},
		{name: "attachments make multipart/mixed with base64", edit: func(m *Message) {
			m.Attachments = []Attachment{{Name: `C:\tmp\Bericht ä.pdf`, ContentType: "application/pdf", Data: []byte("%PDF-1.4 x")},
				{Name: "x", ContentType: "multipart/evil; boundary=x", Data: []byte{0, 1, 2}}}
		}, want: []string{"Content-Type: multipart/mixed", "Content-Type: application/pdf", `filename="=?utf-8?q?Bericht_=C3=A4.pdf?="`,
			"JVBERi0xLjQgeA==", "Content-Type: application/octet-stream", "Content-Disposition: attachment; filename=x"},
			absent: []string{`C:\tmp`, "multipart/evil"}},
		{name: "no recipient", edit: func(m *Message) { m.To = nil }, err: ErrNoRecipients},
		{name: "no sender", edit: func(m *Message) { m.From = "" }, err: ErrNoFrom},
		{name: "bad address", edit: func(m *Message) { m.Cc = []string{"not an address"} }, err: &AddressError{}},
		{name: "too large", edit: func(m *Message) { m.Attachments = []Attachment{{Name: "big", Data: make([]byte, MaxSize+1)}} }, err: ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := base
			if tc.edit != nil {
				tc.edit(&m)
			}
			out, err := Build(m)
			if tc.err != nil {
				var ae *AddressError
				if !errors.Is(err, tc.err) && !(errors.As(tc.err, &ae) && errors.As(err, &ae)) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := string(out)
			for _, w := range tc.want {
				if !strings.Contains(s, w) {
					t.Errorf("missing %q in\n%s", w, s)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(s, a) {
					t.Errorf("unexpected %q in\n%s", a, s)
				}
			}
			for i, c := range out {
				if c > 0x7e || (c == '\n' && (i == 0 || out[i-1] != '\r')) {
					t.Fatalf("not 7-bit CRLF at byte %d", i)
				}
			}
			// It reads back: the text decodes to what was written.
			r, err := mail.CreateReader(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			p, err := r.NextPart()
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(p.Body)
			if string(body) != strings.ReplaceAll(m.Text, "\n", "\r\n") {
				t.Errorf("text read back %q", body)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ name, entity, want string }{
		{"single part", "Content-Type: text/plain; charset=utf-8\r\n\r\nHallo\r\n", "Hallo\n"},
		{"no content type", "Subject: x\r\n\r\nplain\r\n", "plain\n"},
		{"latin-1 quoted-printable", "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=FC=DFe\r\n", "Grüße\n"},
		{"first text part of signed", "Content-Type: multipart/signed; boundary=b; protocol=\"application/pkcs7-signature\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsigned text\r\n--b\r\nContent-Type: application/pkcs7-signature\r\n\r\nAAAA\r\n--b--\r\n", "signed text"},
		{"attachment skipped", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nfile\r\n--b\r\nContent-Type: text/plain\r\n\r\nbody\r\n--b--\r\n", "body"},
		{"html only", "Content-Type: text/html\r\n\r\n<p>One &amp; two</p><br>three<script>x</script>", "One & two\n\nthree" + "x"},
		{"encrypted gives only the note", "Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\r\nAAAA", EncryptedNote},
		{"inline PGP block among text", "Content-Type: text/plain\r\n\r\nHi,\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA\r\n-----END PGP MESSAGE-----\r\nThanks\r\n",
			"Hi,\n" + EncryptedNote + "\nThanks\n"},
		{"unterminated PGP block", "Content-Type: text/plain\r\n\r\nHi,\r\n-----BEGIN PGP MESSAGE-----\r\nhQEMA", "Hi,\n" + EncryptedNote + "\n"},
		{"encrypted attachment in a plain multipart", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
			"--b\r\nContent-Type: application/octet-stream; name=\"secret.txt.pgp\"\r\nContent-Disposition: attachment; filename=\"secret.txt.pgp\"\r\n\r\nhQEMA\r\n--b--\r\n",
			"see attached\n\n" + EncryptedNote},
		{"PGP/MIME part before the text", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=e\r\n\r\n" +
			"--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--e\r\nContent-Type: text/plain\r\n\r\nnot really ciphertext\r\n--e--\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nplain words\r\n--b--\r\n", "plain words\n\n" + EncryptedNote},
		{"S/MIME enveloped part", "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n" +
			"--b\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n\r\nMIAG\r\n--b--\r\n", "hello\n\n" + EncryptedNote},
		{"garbage", "\x00\x01", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PlainText([]byte(tc.entity)); got != tc.want {
				t.Errorf("PlainText = %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzPlainText(f *testing.F) {
	f.Add([]byte("Content-Type: text/plain\r\n\r\nx"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--"))
	f.Add([]byte("Content-Type: text/html\r\n\r\n<b>x"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if s := PlainText(b); len(s) > 2*MaxQuoted+16 {
			t.Fatalf("%d bytes of text", len(s))
		}
		_ = HeaderOf(b)
	})
}
