package verdict

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestBudget(t *testing.T) {
	var b Budget
	if b.Left() != MaxMessageSize {
		t.Fatalf("zero budget leaves %d", b.Left())
	}
	if err := b.Spend(MaxMessageSize - 10); err != nil {
		t.Fatal(err)
	}
	// Exactly what is left fits, one byte more does not; a refusal
	// charges nothing.
	for _, tc := range []struct {
		name string
		r    io.Reader
		n    int
		err  error
	}{
		{"one over", bytes.NewReader(make([]byte, 11)), 0, ErrTooLarge},
		{"one over, a byte at a time", iotest.OneByteReader(bytes.NewReader(make([]byte, 11))), 0, ErrTooLarge},
		{"broken", iotest.TimeoutReader(bytes.NewReader(make([]byte, 4))), 4, iotest.ErrTimeout},
	} {
		before := b.Left()
		got, err := b.ReadAll(tc.r)
		if !errors.Is(err, tc.err) || len(got) != tc.n {
			t.Errorf("%s: %d bytes, %v; want %d, %v", tc.name, len(got), err, tc.n, tc.err)
		}
		if tc.err == ErrTooLarge && b.Left() != before {
			t.Errorf("%s: a refusal charged %d bytes", tc.name, before-b.Left())
		}
	}
	// "broken" read 4 bytes of its 4 before failing (TimeoutReader fails
	// the second read): 6 are left.
	if got, err := b.ReadAll(bytes.NewReader(make([]byte, 6))); err != nil || len(got) != 6 || b.Left() != 0 {
		t.Fatalf("exact fit: %d bytes, %v, %d left", len(got), err, b.Left())
	}
	if got, err := b.ReadAll(bytes.NewReader(nil)); err != nil || len(got) != 0 {
		t.Fatalf("empty at zero budget: %d bytes, %v", len(got), err)
	}
	if err := b.Spend(1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Spend over budget: %v", err)
	}
}

// TestBudgetReadAllGrows reads more than the first buffer holds, and
// exactly what it holds, through readers that fill it in one go and a
// byte at a time: every byte arrives, in order, and is charged once.
func TestBudgetReadAllGrows(t *testing.T) {
	data := make([]byte, 70_000)
	for i := range data {
		data[i] = byte(i*7 + i>>8)
	}
	for _, tc := range []struct {
		name string
		r    io.Reader
		want []byte
	}{
		{"whole", bytes.NewReader(data), data},
		{"a byte at a time", iotest.OneByteReader(bytes.NewReader(data)), data},
		{"first buffer full", bytes.NewReader(data[:readAllStart]), data[:readAllStart]},
	} {
		var b Budget
		got, err := b.ReadAll(tc.r)
		if err != nil || !bytes.Equal(got, tc.want) || MaxMessageSize-b.Left() != int64(len(tc.want)) {
			t.Errorf("%s: %d bytes (as sent: %v), %v, charged %d; want %d", tc.name, len(got), bytes.Equal(got, tc.want), err, MaxMessageSize-b.Left(), len(tc.want))
		}
	}
}
