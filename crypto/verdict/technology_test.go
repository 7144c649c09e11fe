package verdict

import (
	"errors"
	"testing"
)

// Both spellings are contracts (sealctl --type, inspect --json): pin them.
func TestTechnologySpellings(t *testing.T) {
	for _, c := range []struct {
		in    string
		want  Technology
		short string
	}{
		{"smime", TechSMIME, "smime"},
		{"S/MIME", TechSMIME, "smime"},
		{"s/mime", TechSMIME, "smime"},
		{"SMIME", TechSMIME, "smime"},
		{"pgp", TechPGP, "pgp"},
		{"PGP", TechPGP, "pgp"},
		{"", TechNone, ""},
	} {
		got, err := ParseTechnology(c.in)
		if err != nil || got != c.want || got.Short() != c.short {
			t.Errorf("ParseTechnology(%q) = %q (short %q), %v; want %q (short %q)", c.in, got, got.Short(), err, c.want, c.short)
		}
	}
	for _, bad := range []string{"openpgp", "x509", " smime"} {
		if _, err := ParseTechnology(bad); !errors.Is(err, ErrUnknownTechnology) {
			t.Errorf("ParseTechnology(%q): %v, want ErrUnknownTechnology", bad, err)
		}
	}
	if got := Technologies(); len(got) != 2 || got[0] != "S/MIME" || got[1] != "PGP" {
		t.Errorf("Technologies() = %q", got)
	}
}
