package thread

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzThread feeds untrusted headers through parsing and threading: no
// panic, bounded output, identifiers without brackets or spaces.
func FuzzThread(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("References: <<>> <a@b><c@d> e@f\r\nIn-Reply-To: <\r\n\r\n"))
	f.Add([]byte(" leading space\r\nSubject: [Ticket#99999999999999999999]\r\n\r\n"))
	pats := []*Pattern{MustPattern(DefaultPattern), MustPattern("NNNNN-x")}
	f.Fuzz(func(t *testing.T, raw []byte) {
		h, _ := ParseHeader(raw)
		// ParseIDs reads the identifiers exactly as ParseHeader does.
		if ids := ParseIDs(raw); ids.MessageID != h.MessageID || !slices.Equal(ids.InReplyTo, h.InReplyTo) ||
			!slices.Equal(ids.References, h.References) {
			t.Fatalf("ParseIDs %+v, ParseHeader %+v", ids, h)
		}
		c := Candidates(h)
		if len(c) > MaxIDs || len(h.References) > MaxIDs {
			t.Fatalf("%d candidates, %d references: over MaxIDs", len(c), len(h.References))
		}
		for _, id := range append(c, h.MessageID) {
			if len(id) > MaxIDLen || strings.ContainsAny(id, "<> \t\r\n") {
				t.Fatalf("bad identifier %q", id)
			}
		}
		for _, p := range pats {
			d := Resolve(h, p, func(id string) bool { return len(id)%2 == 0 })
			switch d.Kind {
			case ByMessage:
				if d.MessageID == "" || d.MessageID == h.MessageID {
					t.Fatalf("ByMessage with id %q (own %q)", d.MessageID, h.MessageID)
				}
			case ByNumber:
				if n, ok := p.Find(p.Format(d.Number)); !ok || n != d.Number {
					t.Fatalf("Format/Find round trip of %d failed", d.Number)
				}
			}
		}
	})
}

// FuzzTicketNumber extracts the ticket number from an untrusted subject with
// any marker an administrator may configure: no panic; a number found is
// written in the subject; and the marker Format writes is found again, also
// inside hostile text around it.
func FuzzTicketNumber(f *testing.F) {
	f.Add(DefaultPattern, "Re: [Ticket#10042] printer on fire", uint64(10042))
	f.Add(DefaultPattern, "AW: [ticket#00042] [Ticket#7]", uint64(7))
	f.Add("(Case NNNNN)", "Fwd: (case 123456789012345678901234)", uint64(999999999999999999))
	f.Add("NNNNN-x", "12-x 0000000000000000000042-x", uint64(0))
	f.Add("#NNNNN", "##1#2 =?utf-8?q?=5BTicket#1=5D?=", uint64(1))
	f.Add("Ticket NNNNN]", "\u212aticket 5] \xff\xfe", uint64(5))
	f.Fuzz(func(t *testing.T, pattern, subject string, n uint64) {
		p, err := NewPattern(pattern)
		if err != nil {
			return
		}
		if got, ok := p.Find(subject); ok && !strings.Contains(subject, strconv.FormatUint(got, 10)) {
			t.Fatalf("pattern %q found %d in %q, which does not hold that number", pattern, got, subject)
		}
		n %= 1_000_000_000_000_000_000 // the 18 digits a marker holds
		marker := p.Format(n)
		if got, ok := p.Find(marker); !ok || got != n {
			t.Fatalf("pattern %q: Find(Format(%d) = %q) = %d, %v", pattern, n, marker, got, ok)
		}
		if _, ok := p.Find(subject + "\n" + marker); !ok {
			t.Fatalf("pattern %q: no number in %q after any subject", pattern, marker)
		}
	})
}
