package mimepart

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/internal/mimelimit"
)

func nested(levels int) string {
	var b strings.Builder
	b.WriteString("Subject: x\r\n")
	for i := range levels {
		fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\r\n\r\nbottom\r\n")
	for i := levels - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	return b.String()
}

func parts(n int, part string) string {
	return "Subject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		strings.Repeat("--b\r\n"+part+"\r\n", n) + "--b--\r\n"
}

// TestCheckLimits: each limit of package mimelimit is refused with a
// *mimelimit.Error naming it, and a message just inside passes.
func TestCheckLimits(t *testing.T) {
	huge := make([]byte, mimelimit.MaxMessageBytes+1)
	copy(huge, "Subject: x\r\n\r\n")
	for i := 14; i < len(huge); i++ {
		huge[i] = 'a'
	}
	bigHeader := "Content-Type: text/plain\r\nX-Pad: " + strings.Repeat("a", mimelimit.MaxHeaderBytes) + "\r\n\r\nx"
	cases := []struct {
		name, raw, what string
	}{
		{"depth at the limit", nested(mimelimit.MaxDepth), ""},
		{"depth beyond", nested(mimelimit.MaxDepth + 1), "nesting depth"},
		{"10,000 levels", nested(10000), "nesting depth"},
		{"parts at the limit", parts(mimelimit.MaxParts, "Content-Type: text/plain\r\n\r\nx"), ""},
		{"parts beyond", parts(mimelimit.MaxParts+1, "Content-Type: text/plain\r\n\r\nx"), "number of parts"},
		{"a part's header", parts(1, bigHeader), "header size"},
		{"message size", string(huge), "message size"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Parse([]byte(c.raw))
			if err != nil {
				t.Fatal(err)
			}
			err = Check(e)
			var le *mimelimit.Error
			switch {
			case c.what == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.what != "" && (!errors.As(err, &le) || le.What != c.what || !errors.Is(err, mimelimit.ErrExceeded)):
				t.Fatalf("got %v, want the %s limit", err, c.what)
			}
		})
	}
}
