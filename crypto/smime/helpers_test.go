package smime

import (
	"encoding/asn1"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

func asnEmpty() asn1.RawValue { return asn1.RawValue{} }

func rewriteSignedData(t testing.TB, der []byte, f func(*signedDataASN)) []byte {
	t.Helper()
	_, content, err := parseContentInfo(der)
	if err != nil {
		t.Fatal(err)
	}
	var sd signedDataASN
	if _, err := asn1.Unmarshal(content, &sd); err != nil {
		t.Fatal(err)
	}
	f(&sd)
	inner, err := asn1.Marshal(sd)
	if err != nil {
		t.Fatal(err)
	}
	out, err := asn1.Marshal(contentInfoOut{ContentType: oidSignedData, Content: explicit0(inner)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// assertCodes fails t when r breaks the contract of its codes.
func assertCodes(t testing.TB, r verdict.Result) {
	t.Helper()
	if err := r.CheckCodes(); err != nil {
		t.Error(err)
	}
}
