package verdict

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// reflectedJSON is a check as encoding/json writes it without
// Check.MarshalJSON: the bytes MarshalJSON must give.
func reflectedJSON(c Check) []byte {
	c.Name = c.Label()
	b, _ := json.Marshal(checkJSON(c))
	return b
}

// TestCheckJSONAsReflection: the hand-written MarshalJSON gives
// encoding/json's bytes, for checks as engines make them, for strings
// encoding/json escapes or repairs, and for a check with every field set
// (so a field added to Check and not to MarshalJSON fails here).
func TestCheckJSONAsReflection(t *testing.T) {
	checks := []Check{
		{},
		{Kind: CheckStructure, OK: true},
		{Kind: CheckSignature, OK: true, Detail: "made 2026-12-02 18:31 UTC"},
		{Kind: CheckFrom, Signer: 2, Layer: 1, Detail: "Alice <alice@example.test> & \"Bob\"", Reason: ReasonFromMismatch},
		{Kind: CheckKeyUsage, Detail: "tab\there, line\nend, \x00, \x7f, é, \u2028, \xff broken", Reason: ReasonKeyUsage},
		{Kind: "made\\up", Signer: -1, Layer: 1 << 40, Reason: "odd</script>"},
	}
	all := reflect.ValueOf(&checks[0]).Elem()
	for i := range all.NumField() {
		switch f := all.Field(i); f.Kind() {
		case reflect.String:
			f.SetString("set <" + all.Type().Field(i).Name + ">")
		case reflect.Int:
			f.SetInt(int64(i + 1))
		case reflect.Bool:
			f.SetBool(true)
		default:
			t.Fatalf("Check.%s is a %s: teach MarshalJSON and this test about it", all.Type().Field(i).Name, f.Kind())
		}
	}
	for _, c := range checks {
		sameAsReflection(t, c)
	}
}

// FuzzCheckJSON holds MarshalJSON to encoding/json's bytes for any check.
func FuzzCheckJSON(f *testing.F) {
	f.Add("signature", "made 2026-12-02 18:31 UTC", "", 0, 0, true)
	f.Add("from", "<a&b>\"\\\u2028\xff", "from_mismatch", 2, 1, false)
	f.Fuzz(func(t *testing.T, kind, detail, reason string, signer, layer int, ok bool) {
		sameAsReflection(t, Check{Kind: CheckKind(kind), Detail: detail, Reason: Reason(reason), Signer: signer, Layer: layer, OK: ok})
	})
}

func sameAsReflection(t *testing.T, c Check) {
	t.Helper()
	// Its own bytes, not only after json.Marshal, which would escape what
	// it left unescaped.
	got, err := c.MarshalJSON()
	if want := reflectedJSON(c); err != nil || !bytes.Equal(got, want) {
		t.Errorf("MarshalJSON:\n%s (%v)\nencoding/json:\n%s", got, err, want)
	}
}
