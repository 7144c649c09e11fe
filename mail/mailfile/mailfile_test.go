package mailfile

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const msg = "From: Alice <alice@example.org>\r\nTo: desk@example.test\r\nSubject: hi\r\n\r\nHello,\r\nbye\r\n"

// TestReadSavedForms: the forms mail tools save one message in read as
// the same bytes.
func TestReadSavedForms(t *testing.T) {
	lf := strings.ReplaceAll(msg, "\r\n", "\n")
	mbox := "From alice@example.org Sun Mar  1 10:00:00 2026\n"
	for _, c := range []struct{ name, in string }{
		{"CRLF", msg},
		{"LF", lf},
		{"CRLF without final line end", strings.TrimSuffix(msg, "\r\n")},
		{"LF without final line end", strings.TrimSuffix(lf, "\n")},
		{"mixed line ends", strings.Replace(msg, "\r\n", "\n", 2)},
		{"mbox From line, LF (Thunderbird)", mbox + lf},
		{"mbox From line, CRLF", strings.ReplaceAll(mbox, "\n", "\r\n") + msg},
		{"mbox From line, no final line end", mbox + strings.TrimSuffix(lf, "\n")},
		{"Thunderbird's mbox line", "From - Sun Mar  1 10:00:00 2026\r\n" + msg},
		{"byte order mark", "\xef\xbb\xbf" + msg},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Read([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != msg {
				t.Errorf("Read = %q, want %q", got, msg)
			}
		})
	}
}

// TestReadKeepsHeaderFrom: a "From:" header field is no mbox line.
func TestReadKeepsHeaderFrom(t *testing.T) {
	got, err := Read([]byte(msg))
	if err != nil || !bytes.HasPrefix(got, []byte("From: Alice")) {
		t.Fatalf("Read = %q, %v", got, err)
	}
}

func TestReadEmpty(t *testing.T) {
	for _, in := range []string{"", "\r\n\n", "From alice@example.org Sun Mar  1 10:00:00 2026\n", "From x"} {
		if _, err := Read([]byte(in)); !errors.Is(err, ErrEmpty) {
			t.Errorf("Read(%q) error = %v, want ErrEmpty", in, err)
		}
	}
}

// FuzzRead: Read never panics, its output is a fixed point (reading a
// file twice changes nothing) and holds only CRLF line ends.
func FuzzRead(f *testing.F) {
	f.Add([]byte(msg))
	f.Add([]byte("From x\n" + strings.ReplaceAll(msg, "\r\n", "\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Read(data)
		if err != nil {
			return
		}
		if bytes.Count(out, []byte("\n")) != bytes.Count(out, []byte("\r\n")) || !bytes.HasSuffix(out, []byte("\r\n")) {
			t.Fatalf("line ends not CRLF: %q", out)
		}
		if bytes.HasPrefix(out, []byte("From ")) || bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
			return // a second separator line or mark: left as content (see WARNING)
		}
		again, err := Read(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not a fixed point: %q -> %q (%v)", out, again, err)
		}
	})
}
