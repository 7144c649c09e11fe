package mimepart

import (
	"bufio"
	"bytes"
	"reflect"
	"testing"

	"github.com/emersion/go-message/textproto"
)

// headerCopied reads raw's header as Parse did before it read it in
// place: a copy of the header lines with a blank line appended.
func headerCopied(raw []byte) (textproto.Header, error) {
	hdrEnd, _ := headerEnd(raw)
	if hdrEnd == 0 {
		return textproto.Header{}, nil
	}
	buf := append(bytes.Clone(raw[:hdrEnd]), "\r\n\r\n"...)
	return textproto.ReadHeader(bufio.NewReader(bytes.NewReader(buf)))
}

func headerFields(h textproto.Header) [][2]string {
	var out [][2]string
	for f := h.Fields(); f.Next(); {
		out = append(out, [2]string{f.Key(), f.Value()})
	}
	return out
}

func parseHeaderSeeds() []string {
	return []string{
		"Subject: a\r\nContent-Type: text/plain\r\n\r\nbody\r\n",
		"Subject: a\nContent-Type: text/plain\n\nbody\n",
		"Subject: a\r\n folded\r\n\tagain\r\nX: y\r\n\r\n",
		"Subject: a\r\nX: y\r\n",
		"Subject: a\r\nX: y",
		"Subject: a\n\r\nbody",
		"Subject: a\r\n\nbody",
		"X: y\r\nbroken line\r\n\r\nbody",
		"no header\r\n\r\nbody",
		"\r\nbody",
		"",
	}
}

func TestParseHeaderInPlace(t *testing.T) {
	for _, in := range parseHeaderSeeds() {
		checkHeaderInPlace(t, []byte(in))
	}
}

func FuzzParseHeaderInPlace(f *testing.F) {
	for _, in := range parseHeaderSeeds() {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > MaxHeaderBytes {
			return
		}
		checkHeaderInPlace(t, in)
	})
}

func checkHeaderInPlace(t *testing.T, in []byte) {
	t.Helper()
	want, werr := headerCopied(in)
	e, err := Parse(in)
	if (err != nil) != (werr != nil) {
		t.Fatalf("%q: error %v, copied %v", in, err, werr)
	}
	if err != nil {
		return
	}
	if got, w := headerFields(e.Header), headerFields(want); !reflect.DeepEqual(got, w) {
		t.Fatalf("%q: header %q, copied %q", in, got, w)
	}
}
