package thread

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func knownSet(ids ...string) Known {
	m := map[string]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return func(id string) bool { return m[id] }
}

func TestResolve(t *testing.T) {
	custom := MustPattern("(Case NNNNN)")
	tests := []struct {
		name  string
		h     Header
		p     *Pattern
		known Known
		want  Decision
	}{
		{"new ticket", Header{MessageID: "m@x", Subject: "printer broken"}, nil, knownSet(), Decision{Kind: New}},
		{"in-reply-to known", Header{MessageID: "m@x", InReplyTo: []string{"p@x"}}, nil, knownSet("p@x"), Decision{Kind: ByMessage, MessageID: "p@x"}},
		{"nearest reference wins", Header{References: []string{"root@x", "mid@x", "parent@x"}}, nil, knownSet("root@x", "mid@x"), Decision{Kind: ByMessage, MessageID: "mid@x"}},
		{"in-reply-to before references", Header{InReplyTo: []string{"p@x"}, References: []string{"root@x"}}, nil, knownSet("root@x", "p@x"), Decision{Kind: ByMessage, MessageID: "p@x"}},
		{"references beat subject number", Header{References: []string{"root@x"}, Subject: "[Ticket#00007]"}, nil, knownSet("root@x"), Decision{Kind: ByMessage, MessageID: "root@x"}},
		{"unknown references fall back to number", Header{References: []string{"root@x"}, Subject: "Re: [Ticket#00007] x"}, nil, knownSet(), Decision{Kind: ByNumber, Number: 7}},
		{"own id is not a parent", Header{MessageID: "self@x", References: []string{"self@x"}}, nil, knownSet("self@x"), Decision{Kind: New}},
		{"pattern ignores case", Header{Subject: "AW: [ticket#123456789] x"}, nil, nil, Decision{Kind: ByNumber, Number: 123456789}},
		{"first marker wins", Header{Subject: "[Ticket#1] about [Ticket#2]"}, nil, nil, Decision{Kind: ByNumber, Number: 1}},
		{"no digits", Header{Subject: "[Ticket#] x"}, nil, nil, Decision{Kind: New}},
		{"too many digits", Header{Subject: "[Ticket#1234567890123456789]"}, nil, nil, Decision{Kind: New}},
		{"custom pattern", Header{Subject: "Re: (case 99) done"}, custom, nil, Decision{Kind: ByNumber, Number: 99}},
		{"custom pattern ignores default marker", Header{Subject: "[Ticket#5]"}, custom, nil, Decision{Kind: New}},
		{"nil known", Header{InReplyTo: []string{"p@x"}}, nil, nil, Decision{Kind: New}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Resolve(tt.h, tt.p, tt.known); got != tt.want {
				t.Errorf("Resolve = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNewPattern(t *testing.T) {
	tests := []struct {
		name, pattern, subject string
		wantErr                bool
		want                   uint64
		wantOK                 bool
	}{
		{"default", DefaultPattern, "[Ticket#00042]", false, 42, true},
		{"regexp metacharacters are literal", "Ticket.NNNNN*", "Ticketx5*", false, 0, false},
		{"metacharacters match themselves", "Ticket.NNNNN*", "re: ticket.5*", false, 5, true},
		{"prefix only, digit boundary", "#NNNNN", "#123abc", false, 123, true},
		{"suffix only needs a non-digit before", "NNNNN-T", "a12-T", false, 12, true},
		{"no placeholder", "[Ticket#]", "", true, 0, false},
		{"two placeholders", "NNNNN-NNNNN", "", true, 0, false},
		{"bare placeholder", " NNNNN ", "", true, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPattern(tt.pattern)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NewPattern(%q) err = %v, wantErr %v", tt.pattern, err, tt.wantErr)
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "thread: ") {
					t.Errorf("error %q lacks the thread: prefix", err)
				}
				return
			}
			n, ok := p.Find(tt.subject)
			if n != tt.want || ok != tt.wantOK {
				t.Errorf("Find(%q) = %d, %v; want %d, %v", tt.subject, n, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestFormatRoundTrip(t *testing.T) {
	p := MustPattern(DefaultPattern)
	if got := p.Format(42); got != "[Ticket#00042]" {
		t.Errorf("Format(42) = %q", got)
	}
	for _, n := range []uint64{0, 7, 99999, 123456789012} {
		if got, ok := p.Find("Re: " + p.Format(n) + " subject"); !ok || got != n {
			t.Errorf("Find(Format(%d)) = %d, %v", n, got, ok)
		}
	}
}

func TestParseHeaderFiles(t *testing.T) {
	tests := []struct {
		file    string
		id      string
		inReply []string
		refs    []string
		subject string
		from    string
		want    Decision
	}{
		{"reply.eml", "reply-1@example.org", []string{"agent-1@example.test"}, []string{"root@example.org", "agent-1@example.test"},
			"Re: [Ticket#00042] printer on fire", "alice@example.org", Decision{Kind: ByMessage, MessageID: "agent-1@example.test"}},
		{"quirks.eml", "bare-id@example.org", nil, []string{"a@b"}, "[Ticket#12345] Rückfrage", "joerg@example.org", Decision{Kind: ByNumber, Number: 12345}},
		{"new.eml", "", nil, nil, "new request", "x@example.org", Decision{Kind: New}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			h, err := ParseHeader(raw)
			if err != nil {
				t.Fatalf("ParseHeader: %v", err)
			}
			if h.MessageID != tt.id || MessageID(raw) != tt.id {
				t.Errorf("MessageID = %q / %q, want %q", h.MessageID, MessageID(raw), tt.id)
			}
			if strings.Join(h.InReplyTo, ",") != strings.Join(tt.inReply, ",") || strings.Join(h.References, ",") != strings.Join(tt.refs, ",") {
				t.Errorf("InReplyTo %q References %q, want %q %q", h.InReplyTo, h.References, tt.inReply, tt.refs)
			}
			if h.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", h.Subject, tt.subject)
			}
			if len(h.From) != 1 || h.From[0].Address != tt.from {
				t.Errorf("From = %v, want %s", h.From, tt.from)
			}
			if got := Resolve(h, nil, knownSet("agent-1@example.test", "a@b")); tt.file != "quirks.eml" && got != tt.want {
				t.Errorf("Resolve = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCandidatesBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("Message-ID: <self@x>\r\nReferences:")
	for i := 0; i < 5000; i++ {
		b.WriteString(" <r" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "-" + itoa(i) + "@x>")
	}
	b.WriteString("\r\n\r\n")
	h, err := ParseHeader([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	c := Candidates(h)
	if len(c) != MaxIDs {
		t.Fatalf("%d candidates, want %d", len(c), MaxIDs)
	}
	if !strings.HasSuffix(c[0], "-4999@x") {
		t.Errorf("first candidate %q, want the nearest ancestor (last reference)", c[0])
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var d []byte
	for ; i > 0; i /= 10 {
		d = append([]byte{byte('0' + i%10)}, d...)
	}
	return string(d)
}

// TestFromText: the From shown in lists is crypto/sender's reading of
// every From field, Outlook's windows-1252 names decoded, a name that
// could pass for an address quoted, an unreadable field as written.
func TestFromText(t *testing.T) {
	for from, want := range map[string]string{
		"From: =?windows-1252?Q?J=FCrgen_M=FCller?= <j@example.test>\r\n": "Jürgen Müller <j@example.test>",
		"From: a@example.test\r\nFrom: Bank <security@bank.example>\r\n":  "a@example.test, Bank <security@bank.example>",
		"From: =?utf-8?Q?boss=40corp=2Eexample?= <eve@evil.example>\r\n":  `"boss@corp.example" <eve@evil.example>`,
		"From: Broken <b@example.test\r\n":                                "Broken <b@example.test",
	} {
		h, err := ParseHeader([]byte(from + "Subject: s\r\n\r\nbody"))
		if err != nil || h.FromText != want {
			t.Errorf("FromText of %q = %q (%v), want %q", from, h.FromText, err, want)
		}
	}
}
