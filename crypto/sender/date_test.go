package sender

import (
	"net/mail"
	"testing"
	"time"
)

// dateCases are Date fields as clients write them, and the forms around
// dateLayout that it must leave to net/mail (or refuse as net/mail does).
var dateCases = []string{
	"Wed, 02 Dec 2026 18:31:06 +0000",
	"Wed, 2 Dec 2026 18:31:06 -0800",
	"wed, 2 dec 2026 18:31:06 +0130",  // names in any case
	"Thu, 31 Feb 2026 10:00:00 +0000", // no such day
	"Mon, 2 Jan 2006 15:04:05 +2500",  // no such offset
	"Wed, 02 Dec 2026 18:31:06 +0000 (UTC)",
	"Wed, 02 Dec 2026 18:31:06 GMT",
	"Wed, 02 Dec 26 18:31:06 +0000",
	"Wed, 02 Dec 2026 18:31 +0000",
	"2 Dec 2026 18:31:06 +0000",
	" Wed, 02 Dec 2026 18:31:06 +0000",
	"Wed, 02 Dec 2026\r\n 18:31:06 +0000",
	"Wed, 02 Dec 2026 18:31:06 +0000 trailing",
	"Fri, 20 Nov 1997 09:55:06 MDT (MDT)",
	"Wed, 02 Dec 2026 18:31:06",
	"yesterday",
	"",
	"Tue, 05 Jan 2026 08:00:00 +0000", // the wrong day of the week
	"Mon, 05 Jan 2026 24:00:00 +0000",
	"05 Jan 26 08:00 GMT",
}

// TestParseDateAsNetMail: ParseDate's shortcut reads every field as
// mail.ParseDate does, to the same instant and zone, and refuses what it
// refuses.
func TestParseDateAsNetMail(t *testing.T) {
	for _, v := range dateCases {
		sameAsNetMail(t, v)
	}
	if d, err := ParseDate("Wed, 02 Dec 2026 18:31:06 -0800"); err != nil || !d.Equal(time.Date(2026, 12, 3, 2, 31, 6, 0, time.UTC)) {
		t.Errorf("ParseDate read %v, %v", d, err)
	}
}

// FuzzParseDate holds ParseDate equal to mail.ParseDate on any field.
func FuzzParseDate(f *testing.F) {
	for _, v := range dateCases {
		f.Add(v)
	}
	f.Fuzz(sameAsNetMail)
}

func sameAsNetMail(t *testing.T, v string) {
	got, gotErr := ParseDate(v)
	want, err := mail.ParseDate(v)
	if (gotErr == nil) != (err == nil) || !got.Equal(want) || got.String() != want.String() {
		t.Errorf("ParseDate(%q) = %v, %v; mail.ParseDate: %v, %v", v, got, gotErr, want, err)
	}
}
