package mimepart

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSplitMultipart(t *testing.T) {
	body := "preamble\r\n--b\r\nA: 1\r\n\r\nfirst\r\n--b  \r\n\r\nsecond\n--bb\n--b--\r\nepilogue"
	parts, closed := SplitMultipart([]byte(body), "b")
	if !closed || len(parts) != 2 || string(parts[0]) != "A: 1\r\n\r\nfirst" || string(parts[1]) != "\r\nsecond\n--bb" {
		t.Fatalf("parts %q closed %v", parts, closed)
	}
	if _, closed := SplitMultipart([]byte("--b\r\nx"), "b"); closed {
		t.Error("unterminated multipart reported closed")
	}
}

func TestParse(t *testing.T) {
	e, err := Parse([]byte("Content-Type: Text/HTML; charset=\"latin1\"\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n"))
	if err != nil || e.MediaType != "text/html" || e.Params["charset"] != "latin1" || string(e.Body) != "aGk=\r\n" {
		t.Fatalf("Parse = %+v, %v", e, err)
	}
	if b, err := e.DecodedBody(); err != nil || string(b) != "hi" {
		t.Errorf("DecodedBody = %q, %v", b, err)
	}
	e, err = Parse([]byte("no header here\n"))
	if err != nil || e.Header.Len() != 0 || e.MediaType != "text/plain" || e.Params == nil || string(e.Body) != "no header here\n" {
		t.Fatalf("headerless Parse = %+v, %v", e, err)
	}
	big := append([]byte("X-Big: "+strings.Repeat("a", 1<<20)+"\r\n\r\n"), "body"...)
	if _, err := Parse(big); !errors.Is(err, ErrHeaderTooLarge) {
		t.Errorf("oversized header: err = %v, want ErrHeaderTooLarge", err)
	}
}

func TestCanonicalize(t *testing.T) {
	got, err := Canonicalize([]byte("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGrüße\n"))
	want := "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe\r\n"
	if err != nil || string(got) != want {
		t.Errorf("Canonicalize = %q, %v", got, err)
	}
	safe := []byte("Content-Type: text/plain\r\n\r\nplain\r\n")
	if got, err := Canonicalize(safe); err != nil || !bytes.Equal(got, safe) {
		t.Errorf("safe text changed: %q, %v", got, err)
	}
	var ce *CanonicalizeError
	_, err = Canonicalize([]byte("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n"))
	if !errors.As(err, &ce) || err.Error() != "the multipart content has no closing boundary" {
		t.Errorf("unclosed multipart: err = %v", err)
	}
	big := []byte("X-Big: " + strings.Repeat("a", 1<<20) + "\r\n\r\nbody")
	_, err = Canonicalize(big)
	if !errors.As(err, &ce) || !errors.Is(err, ErrHeaderTooLarge) || ce.Msg != "the content to sign is not a MIME entity" {
		t.Errorf("oversized header: err = %v", err)
	}
}

func TestReadableText(t *testing.T) {
	raw := "Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/html\r\n\r\n<p>html</p><script>x</script>\r\n" +
		"--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nsch=F6n\r\n" +
		"--b--\r\n"
	e, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := ReadableText(e); got != "schön" {
		t.Errorf("ReadableText = %q", got)
	}
	if got := HTMLToText([]byte("<head><title>t</title></head><p>a</p>b<br>c")); got != "a\nb\nc" {
		t.Errorf("HTMLToText = %q", got)
	}
}

func TestEngineError(t *testing.T) {
	notMessage := errors.New("smime: not an e-mail message")
	if EngineError(nil, "smime: ", notMessage) != nil {
		t.Error("nil error not passed through")
	}
	other := errors.New("other")
	if EngineError(other, "smime: ", notMessage) != other {
		t.Error("foreign error not passed through")
	}
	deep := "x\r\n"
	for i := range 22 {
		b := fmt.Sprint("b", i)
		deep = "Content-Type: multipart/mixed; boundary=" + b + "\r\n\r\n--" + b + "\r\n" + deep + "\r\n--" + b + "--\r\n"
	}
	tests := []struct{ in, want string }{
		{"X-Big: " + strings.Repeat("a", 1<<20) + "\r\n\r\nbody", "smime: the content to sign is not a MIME entity: smime: not an e-mail message"},
		{"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n", "smime: the multipart content has no closing boundary"},
		{"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n\xff\xff\xff\xff\r\n", "smime: a part's transfer encoding is broken: illegal base64 data"},
		{deep, "smime: the message nests too deep"},
	}
	for _, tc := range tests {
		_, err := Canonicalize([]byte(tc.in))
		got := EngineError(err, "smime: ", notMessage)
		if got == nil || !strings.HasPrefix(got.Error(), tc.want) {
			t.Errorf("EngineError = %v, want %q", got, tc.want)
		}
	}
}

func TestCRLFToLF(t *testing.T) {
	for _, in := range []string{"", "a", "\r\n", "a\r\nb\r\n", "\r\r\n\n", "a\rb\nc\r", "\r\n\r\n\r"} {
		if got, want := crlfToLF([]byte(in)), strings.ReplaceAll(in, "\r\n", "\n"); got != want {
			t.Errorf("crlfToLF(%q) = %q, want %q", in, got, want)
		}
	}
}
