package verdict

import (
	"errors"
	"fmt"
	"io"
)

// MaxMessageSize is the size budget of one message: every decoder that
// turns a received message into more bytes than it had (OpenPGP
// decryption and decompression, S/MIME decryption, base64 and
// quoted-printable decoding of its parts) stops at this many bytes of
// output for the whole message and refuses it with ErrTooLarge. It is the
// display's limit too: anything larger would not be shown anyway. A small
// compressed message can expand a thousandfold, and the sync processes
// several messages at once, so the budget is what bounds their memory.
const MaxMessageSize = 64 << 20

// ErrTooLarge is (wrapped in) the error of a decoder whose output would
// exceed MaxMessageSize. The engines report it in the article's result
// (EncryptionResult.Failure is DecryptTooLarge) instead of returning it: the raw message
// stays stored and the sync goes on.
var ErrTooLarge = fmt.Errorf("verdict: the message is larger than %d MiB once decoded", MaxMessageSize>>20)

// TooLargeComment is the result comment of a message refused with
// ErrTooLarge, the same for every engine.
var TooLargeComment = fmt.Sprintf("The decrypted message is larger than %d MiB, the most SealDesk reads of one message, so it is not shown; the message itself stays stored.", MaxMessageSize>>20)

// Budget is what one message may still decode: MaxMessageSize at first,
// less every byte its decoders produced. Its zero value is a full budget.
// It is not safe for concurrent use: one per message.
type Budget struct {
	used int64
}

// Left is how many bytes the message may still decode.
func (b *Budget) Left() int64 { return MaxMessageSize - b.used }

// Spend charges n bytes produced at once (a block decrypted in one piece);
// beyond the budget it charges nothing and returns ErrTooLarge.
func (b *Budget) Spend(n int64) error {
	if n > b.Left() {
		return ErrTooLarge
	}
	b.used += n
	return nil
}

// ReadAll reads r to its end within the budget and charges what it read.
// Its buffer starts at readAllStart bytes and grows by doubling up to what
// is left and no further: whether
// r holds more is asked with a one-byte read (bytes.Buffer would double
// to twice the budget to hold that byte). A decompression bomb so costs
// about twice the budget in allocations and one and a half times it at
// the peak. Beyond the budget it returns ErrTooLarge and nothing else.
// Another read error is returned with what was read before it. Every
// buffer it drops is wiped: it may hold plaintext.
func (b *Budget) ReadAll(r io.Reader) ([]byte, error) {
	left := b.Left()
	buf := make([]byte, 0, min(left, readAllStart))
	for {
		var n int
		var err error
		switch {
		case int64(len(buf)) == left:
			var probe [1]byte
			n, err = r.Read(probe[:])
			if n > 0 {
				err = ErrTooLarge
			}
		case len(buf) == cap(buf):
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), left))
			copy(grown, buf)
			clear(buf)
			buf = grown
			continue
		default:
			n, err = r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
		}
		switch {
		case errors.Is(err, ErrTooLarge):
			clear(buf)
			return nil, ErrTooLarge
		case err == io.EOF:
			b.used += int64(len(buf))
			return buf, nil
		case err != nil:
			b.used += int64(len(buf))
			return buf, err
		}
	}
}

// readAllStart is ReadAll's first buffer, io.ReadAll's: most decrypted
// mail is a few KiB of text, and a first buffer of 64 KiB, allocated and
// cleared for each of them, was most of what decrypting a mail allocated
// (README, Benchmarks). Doubling from here reaches a large plaintext with
// about as much copying as from 64 KiB.
const readAllStart = 512
