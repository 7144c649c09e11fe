package pgp

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

// decodeArmorBodyStrings is decodeArmorBody as it was written over strings
// (split, trim, join): the reference the in-place reading must equal.
func decodeArmorBodyStrings(b []byte) (body []byte, badCRC, ok bool) {
	lines := strings.Split(strings.ReplaceAll(string(b), "\r", ""), "\n")
	i := 0
	for j, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			i = j + 1
			break
		}
		if !strings.Contains(l, ": ") {
			break
		}
	}
	var b64 strings.Builder
	crc := ""
	for _, l := range lines[i:] {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if len(l) == 5 && l[0] == '=' {
			crc = l[1:]
			continue
		}
		b64.WriteString(l)
	}
	s := b64.String()
	body, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		body, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
		if err != nil {
			return nil, false, false
		}
	}
	if crc != "" {
		want, err := base64.StdEncoding.DecodeString(crc)
		if err != nil || len(want) != 3 {
			return body, true, true
		}
		c := crc24Bitwise(body)
		if byte(c>>16) != want[0] || byte(c>>8) != want[1] || byte(c) != want[2] {
			return body, true, true
		}
	}
	return body, false, true
}

// crc24Bitwise is RFC 4880 section 6.1's CRC-24 bit by bit.
func crc24Bitwise(d []byte) uint32 {
	crc := uint32(crc24Init)
	for _, b := range d {
		crc ^= uint32(b) << 16
		for range 8 {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= crc24Poly
			}
		}
	}
	return crc & 0xffffff
}

func TestCRC24Table(t *testing.T) {
	data := make([]byte, 1000)
	for i := range data {
		data[i] = byte(i*7 + i>>3)
	}
	for n := range len(data) + 1 {
		if got, want := crc24(data[:n]), crc24Bitwise(data[:n]); got != want {
			t.Fatalf("crc24 of %d bytes: %06x, want %06x", n, got, want)
		}
	}
	if got := crc24([]byte("123456789")); got != 0x21cf02 { // the CRC-24/OPENPGP check value
		t.Fatalf("crc24(123456789) = %06x, want 21cf02", got)
	}
}

func armorBodyCases() []string {
	payload := base64.StdEncoding.EncodeToString([]byte("a message of some length, to fill a line or two of base64 text here"))
	c := crc24([]byte("a message of some length, to fill a line or two of base64 text here"))
	crc := "=" + base64.StdEncoding.EncodeToString([]byte{byte(c >> 16), byte(c >> 8), byte(c)})
	lines := payload[:40] + "\n" + payload[40:] + "\n"
	return []string{
		"",
		"\n",
		"\r\n",
		"\n" + lines + crc + "\n",
		"\r\n" + strings.ReplaceAll(lines, "\n", "\r\n") + crc + "\r\n",
		"Version: x\nComment: y\n\n" + lines + crc + "\n",
		"Version: x\n",
		"Version: x",
		"Version: x\n\n",
		lines + crc,       // no blank line, no headers
		lines + "=AAAA\n", // wrong CRC
		lines + "=AB==\n", // a CRC that is no 3 bytes
		lines + "=!!!!\n", // a CRC that is no base64
		"\n" + strings.TrimRight(payload, "=") + "\n",    // padding dropped
		"\n" + payload[:10] + "\r" + payload[10:] + "\n", // a CR inside a line
		"Version:\r x\n\n" + lines,                       // a CR inside a header
		"\n  " + payload + " \t\n\n\n",                   // white space around lines
		"\n" + payload + "\n=AAAA\n" + crc + "\n",        // the last CRC line counts
		"\n@@@@\n", // no base64
		"\n" + payload + "\n-----END PGP",
		"Version: x\nnot a header\n\n" + lines,
		"\n\u00a0" + payload + "\u0085\n", // Unicode white space, as TrimSpace reads it
	}
}

func TestDecodeArmorBodyAsStrings(t *testing.T) {
	for i, in := range armorBodyCases() {
		body, bad, ok := decodeArmorBody([]byte(in))
		wbody, wbad, wok := decodeArmorBodyStrings([]byte(in))
		if !bytes.Equal(body, wbody) || bad != wbad || ok != wok {
			t.Errorf("case %d %q: got (%x, %v, %v), want (%x, %v, %v)", i, in, body, bad, ok, wbody, wbad, wok)
		}
	}
}

func FuzzDecodeArmorBody(f *testing.F) {
	for _, in := range armorBodyCases() {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		body, bad, ok := decodeArmorBody(in)
		wbody, wbad, wok := decodeArmorBodyStrings(in)
		if !bytes.Equal(body, wbody) || bad != wbad || ok != wok {
			t.Fatalf("%q: got (%x, %v, %v), want (%x, %v, %v)", in, body, bad, ok, wbody, wbad, wok)
		}
	})
}
