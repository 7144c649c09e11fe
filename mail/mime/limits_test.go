package mime

import (
	"strings"
	"testing"
)

// TestSizeBudget: decoded parts share the message's budget; the part that
// does not fit is refused whole (TooLarge and a notice), the parts before
// it are shown complete.
func TestSizeBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 70 MiB of mail")
	}
	line := strings.Repeat("a", 78) + "\r\n"
	part := func(mib int) string {
		return "--b\r\nContent-Type: text/plain\r\n\r\n" + strings.Repeat(line, mib<<20/len(line)) + "\r\n"
	}
	raw := "From: a@example.org\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		part(40) + part(30) + "--b--\r\n"
	c, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if !c.TooLarge || len(c.Bodies) != 1 || len(c.Notices) != 1 {
		t.Fatalf("TooLarge %v, %d bodies, notices %q", c.TooLarge, len(c.Bodies), c.Notices)
	}
	if n := len(c.Bodies[0].Text); n < 39<<20 {
		t.Fatalf("the first part was cut to %d bytes", n)
	}
	small, err := Parse([]byte("From: a@example.org\r\nContent-Type: text/plain\r\n\r\nhi\r\n"))
	if err != nil || small.TooLarge {
		t.Fatalf("small message: %v, TooLarge %v", err, small.TooLarge)
	}
}
