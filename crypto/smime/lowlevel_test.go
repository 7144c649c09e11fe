package smime

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestAESKeyWrapRFC3394(t *testing.T) {
	tests := []struct{ name, kek, key, wrapped string }{
		{"4.1 128-bit KEK, 128-bit key", "000102030405060708090A0B0C0D0E0F", "00112233445566778899AABBCCDDEEFF", "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"},
		{"4.6 256-bit KEK, 256-bit key", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F", "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, err := aesKeyWrap(unhex(tc.kek), unhex(tc.key))
			if err != nil || !bytes.Equal(w, unhex(tc.wrapped)) {
				t.Fatalf("wrap = %X, %v", w, err)
			}
			k, err := aesKeyUnwrap(unhex(tc.kek), w)
			if err != nil || !bytes.Equal(k, unhex(tc.key)) {
				t.Fatalf("unwrap = %X, %v", k, err)
			}
			w[3] ^= 1
			if _, err := aesKeyUnwrap(unhex(tc.kek), w); err == nil {
				t.Fatal("tampered wrap accepted")
			}
		})
	}
}

func TestToDER(t *testing.T) {
	tests := []struct {
		name    string
		ber     string
		der     string
		wantErr bool
	}{
		{"definite passes", "300302012a", "300302012a", false},
		{"indefinite sequence", "308002012a0000", "300302012a", false},
		{"chunked octet string", "2480040161040262630000", "0403616263", false},
		{"nested indefinite", "3080308002010100000000", "30053003020101", false},
		{"long form length made minimal", "30810302012a", "300302012a", false},
		{"missing end of contents", "308002012a", "", true},
		{"length past end", "3005020100", "", true},
		{"primitive indefinite", "0280", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := toDER(unhex(tc.ber))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if !tc.wantErr && !bytes.Equal(got, unhex(tc.der)) {
				t.Fatalf("got %X, want %s", got, tc.der)
			}
		})
	}
	deep := bytes.Repeat([]byte{0x30, 0x80}, 200)
	if _, err := toDER(deep); err == nil {
		t.Error("unbounded nesting accepted")
	}
}
