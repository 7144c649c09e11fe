// Package mime turns a received MIME entity into what the article view
// shows: the readable bodies (one per multipart/alternative, RFC 2046
// section 5.1.4), inline images by Content-ID (RFC 2392), the attachments,
// and HTML that is safe to hand to a sandboxed iframe. It knows nothing of
// Wails or of the security engines: the caller says which entity is the
// protected one (Split) and the package labels every part by where it came
// from, so that decrypted or verified content is never merged with parts
// that travelled unprotected. SplitWith also cuts unprotected text bodies
// at inline blocks (inline OpenPGP) through a callback the caller gives, so
// each block becomes its own labelled section.
//
// Limits, stated so nobody relies on them:
//   - Nesting deeper than MaxDepth or more than MaxParts leaves are not
//     read; the rest is reported as a notice, never silently dropped.
//   - Decoded bodies share the message's size budget (MaxDecoded, that is
//     crypto.MaxMessageSize, 64 MiB): a part that does not fit in what is
//     left is not shown at all (Content.TooLarge, and a notice), never
//     cut in the middle.
//   - Charsets are those of go-message/charset; a part in another charset
//     is shown with undecodable bytes replaced (U+FFFD) and a notice.
//   - HTML is sanitized with bluemonday (an allowlist), then remote
//     references are counted and removed unless the agent chose to load
//     them. CSS (style elements and attributes) is tokenized as CSS Syntax
//     Level 3 reads it, escapes decoded, and rebuilt from the tokens: only
//     @media, @supports and @keyframes, known functions, and addresses
//     that are cid: or data: images survive; a sheet whose url( or string
//     never closes is dropped whole; each sheet keeps its own style
//     element. Links (a, and an image map's area) open nothing from the
//     frame. The iframe's Content-Security-Policy (see Document) is the
//     second wall: what the sanitizer misses still cannot load or run.
//     Not done: one body's CSS can still style the other bodies of its
//     section (sheets are kept apart, not scoped).
//   - Links (CheckLink) are listed per section with their real host and a
//     warning for the usual disguises: text naming another site, an @
//     before the host, a bare IP address, look-alike international names
//     (IDNA). The list holds at most 200 links; look-alikes within plain
//     ASCII (rn for m) and redirectors are not detected.
//   - message/rfc822 parts are listed as attachments, not opened.
//   - An HTML body that contains inline blocks is shown as text, section
//     by section: its formatting is lost.
package mime
