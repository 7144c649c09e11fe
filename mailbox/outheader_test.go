package mailbox

import (
	"testing"

	"github.com/sealdesk/sealdesk/mail/thread"
)

// TestWithAgent: outgoing mail names this laptop's agent in
// X-SealDesk-Agent (RFC 2047 for a non-ASCII name), once; no agent set,
// no field.
func TestWithAgent(t *testing.T) {
	raw := []byte("From: support@example.org\r\nSubject: hi\r\n\r\nbody\r\n")
	for _, c := range []struct {
		name, in, addr, wantName, wantAddr string
	}{
		{"plain", string(raw), "anna@example.test", "Anna Agent", "anna@example.test"},
		{"non-ASCII name", string(raw), "joerg@example.test", "Jörg Müller", "joerg@example.test"},
		{"no agent", string(raw), "", "", ""},
		{"already named", "X-SealDesk-Agent: Bob <bob@example.test>\r\n" + string(raw), "anna@example.test", "Bob", "bob@example.test"},
	} {
		out := withAgent([]byte(c.in), c.wantName, c.addr)
		if c.name == "already named" {
			out = withAgent([]byte(c.in), "Anna", c.addr)
		}
		h, err := thread.ParseHeader(out)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		switch {
		case c.wantAddr == "" && h.Agent != nil:
			t.Errorf("%s: agent %v, want none", c.name, h.Agent)
		case c.wantAddr != "" && (h.Agent == nil || h.Agent.Address != c.wantAddr || h.Agent.Name != c.wantName):
			t.Errorf("%s: agent %v, want %s <%s>", c.name, h.Agent, c.wantName, c.wantAddr)
		}
	}
}
