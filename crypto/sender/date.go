package sender

import (
	"fmt"
	"time"
)

// DateTolerance is how far a signature's time may lie from the Date field,
// before or after, before the two are a mismatch: clocks drift and mail
// queues, but a signature made more than an hour away from the date the
// message claims is how a replayed (re-dated) signed message looks.
const DateTolerance = time.Hour

// DateMismatch compares a signature's time (the S/MIME signingTime
// attribute, RFC 5652 section 11.3; the OpenPGP signature creation time,
// RFC 9580 section 5.2.3.11) with the Date field. It returns a detail
// naming both times when they are more than DateTolerance apart, and ""
// when they are not or either is unknown (no check possible).
func DateMismatch(signed, dated time.Time) string {
	if signed.IsZero() || dated.IsZero() {
		return ""
	}
	d := dated.Sub(signed)
	if d <= DateTolerance && d >= -DateTolerance {
		return ""
	}
	return fmt.Sprintf("signed %s, Date field %s", signed.UTC().Format(time.RFC3339), dated.UTC().Format(time.RFC3339))
}
