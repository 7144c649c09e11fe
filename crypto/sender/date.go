package sender

import (
	"errors"
	"fmt"
	"net/mail"
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

// dateLayout is the Date field as RFC 5322 section 3.3 writes it, with the
// day of the week that nearly every client puts in.
const dateLayout = "Mon, 2 Jan 2006 15:04:05 -0700"

// ParseDate reads a Date field (RFC 5322 section 3.3) exactly as
// net/mail's ParseDate does. That tries its layouts in turn, those without
// a day of the week first, so a field in the usual form came after 24
// failed time.Parse calls and a missing one after 48, each allocating its
// error (README, Benchmarks). dateLayout is the first of its layouts that
// can read a field starting with a day of the week: a field that is
// exactly in that form is parsed with it, as ParseDate would after its
// failures; any other goes to ParseDate. TestParseDateAsNetMail and
// FuzzParseDate hold the two equal.
func ParseDate(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, errNoDate
	}
	if t, err := time.Parse(dateLayout, v); err == nil {
		return t, nil
	}
	return mail.ParseDate(v)
}

var errNoDate = errors.New("mail: header has no date")
