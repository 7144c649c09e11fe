package thread

import (
	"os"
	"path/filepath"
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
