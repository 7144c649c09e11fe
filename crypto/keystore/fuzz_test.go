package keystore

import (
	"errors"
	"testing"
)

// FuzzManifest feeds the keychain item of a secret, as anything that can
// write the user's keychain could leave it, to Get beside the parts of a
// real split secret: Get never panics or allocates by an unchecked number,
// and anything but the real secret is ErrCorrupt. The manifest parser must
// accept only what it checked.
func FuzzManifest(f *testing.F) {
	f.Add([]byte(`M{"gen":1,"parts":4,"len":6000,` + goodSum + `}`))
	f.Add([]byte(`M{"gen":1,"parts":4,"len":4611686018427387904,` + goodSum + `}`))
	f.Add([]byte(`M{"gen":-1,"parts":-4,"len":-1,"sha256":""}`))
	f.Add([]byte(`M{"gen":1e30}`))
	f.Add([]byte(`Mnot json`))
	f.Add([]byte(`Iinline secret`))
	f.Add([]byte{})
	m := NewMemory(WindowsItemLimit)
	s := New(m, "p")
	secret := make([]byte, 6000)
	for i := range secret {
		secret[i] = byte(i)
	}
	if err := s.Put("k", secret); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, item []byte) {
		if len(item) > 0 && item[0] == tagManifest {
			if mf, err := parseManifest(item[1:]); err == nil {
				if mf.Parts < 1 || mf.Parts > maxParts || mf.Length < mf.Parts || mf.Length > MaxSecretSize {
					t.Fatalf("parseManifest accepted %+v", mf)
				}
			} else if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("parseManifest: %v, want ErrCorrupt", err)
			}
		}
		if err := m.Set(s.service, "k", item); err != nil {
			t.Skip()
		}
		got, err := s.Get("k")
		switch {
		case err == nil && len(item) > 0 && item[0] == tagInline:
		case err == nil:
			if string(got) != string(secret) {
				t.Fatalf("Get returned %d bytes that are not the stored secret", len(got))
			}
		case !errors.Is(err, ErrCorrupt):
			t.Fatalf("Get: %v, want ErrCorrupt", err)
		}
	})
}
