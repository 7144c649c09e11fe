// Package mailfile reads a message saved to a file (.eml) the way mail
// clients save it, so that every reader of a mail file (sealctl inspect,
// seal and send) sees the same message whatever tool wrote it.
//
// Handled:
//   - QUIRK: Thunderbird's "Save As" and other mbox-based tools (mutt,
//     formail, mboxo/mboxrd exports of one message) begin the file with
//     the mbox separator line "From sender date" (RFC 4155 section 2),
//     which is no header field (a field name holds no space, RFC 5322
//     section 3.6.8): it is dropped.
//   - Line ends: LF (Unix tools), CRLF (Outlook, Windows) or a mix are
//     all made CRLF, the form RFC 5322 section 2.1 prescribes and the one
//     the signatures were made over (RFC 8551 section 3.1.1, RFC 3156
//     section 5); a missing final line end is added. A file therefore
//     reads the same whichever of these forms it has.
//
// WARNING: a file holding several mbox messages is not split: everything
// after the first separator line is read as one message. ">From " lines
// of mboxrd quoting in the body are left as they are.
package mailfile

import (
	"bytes"
	"errors"
)

// ErrEmpty says the file holds nothing but white space (and, perhaps, an
// mbox separator line).
var ErrEmpty = errors.New("mailfile: the file holds no message")

// Read returns the message a saved mail file holds: without a leading
// mbox "From " separator line, with CRLF line ends and a final CRLF. The
// result is a new slice; data is not changed.
func Read(data []byte) ([]byte, error) {
	data = skipMboxFrom(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrEmpty
	}
	out := make([]byte, 0, len(data)+len(data)/32+2)
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			out = append(out, data...)
			break
		}
		line := data[:i]
		line = bytes.TrimSuffix(line, []byte("\r"))
		out = append(out, line...)
		out = append(out, '\r', '\n')
		data = data[i+1:]
	}
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		out = append(out, '\r', '\n')
	}
	return out, nil
}

// skipMboxFrom drops the mbox separator line (RFC 4155 section 2: "From "
// at the very start of the file), and a UTF-8 byte order mark some
// Windows editors put in front of it or of the header.
func skipMboxFrom(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(data, []byte("From ")) {
		return data
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return data[i+1:]
	}
	return nil
}
