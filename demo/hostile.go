package demo

import (
	"strings"
	"time"
)

// IDHostileHTML is the demo mail whose HTML tries everything a mail must
// not be able to do in SealDesk: run a script (an element and an event
// handler), load remote images and CSS backgrounds (a read receipt), and
// paint a fake green "Signature verified" banner, and hide a link's real
// destination behind text naming another site. Its remote references
// point at RemoteProbeAddr, where nothing listens unless a test does.
const IDHostileHTML = "demo-hostile@elsewhere.test"

// RemoteProbeAddr is the loopback address the hostile mail's remote
// references name (a fixed port, so the seeded mail is the same on every
// start of the demo).
const RemoteProbeAddr = "127.0.0.1:47613"

// hostileHTML builds the mail: multipart/alternative, plain text first.
func hostileHTML(date time.Time) []byte {
	probe := "http://" + RemoteProbeAddr
	html := `<!doctype html><html><head><title>pwned</title>
<meta http-equiv="refresh" content="0;url=` + probe + `/refresh">
<link rel="stylesheet" href="` + probe + `/link.css">
<style>body { background: url(` + probe + `/style-bg.png); } @import url("` + probe + `/import.css");</style>
<script>document.title = 'pwned'; window.top.__sealdeskPwned = true; fetch('` + probe + `/script');</script>
</head><body>
<div data-testid="fake-banner" style="background:#1a7f37;color:#ffffff;padding:10px;font-weight:bold">&#10004; Signature verified &mdash; sender confirmed by SealDesk</div>
<p>Dear helpdesk,</p>
<p>our bank details changed. Please pay invoice 2026-118 to the new account today.</p>
<p>Confirm the change at <a href="https://yourbank-secure.example.net/confirm">https://www.yourbank.example/confirm</a>.</p>
<img src="` + probe + `/tracker.png" width="1" height="1" alt="">
<img src="x" onerror="fetch('` + probe + `/onerror'); window.top.__sealdeskPwned = true">
<div style="background-image:url('` + probe + `/css-url.png')">This mail's HTML tries scripts, remote images and a fake security banner: SealDesk shows it in a sandbox and loads nothing.</div>
<svg onload="fetch('` + probe + `/svg')"></svg>
<iframe src="` + probe + `/frame"></iframe>
</body></html>`
	text := "Dear helpdesk,\n\nour bank details changed. Please pay invoice 2026-118 to the new account today.\n"
	var b strings.Builder
	b.WriteString("From: Billing <" + malloryAddr + ">\r\nTo: SealDesk Demo Helpdesk <" + HelpdeskAddr + ">\r\n")
	b.WriteString("Subject: Invoice 2026-118: new bank details (HTML)\r\nDate: " + date.Format(time.RFC1123Z) + "\r\n")
	b.WriteString("Message-ID: <" + IDHostileHTML + ">\r\nMIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: multipart/alternative; boundary=\"hostile\"\r\n\r\n")
	b.WriteString("--hostile\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(text, "\n", "\r\n") + "\r\n")
	b.WriteString("--hostile\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + strings.ReplaceAll(html, "\n", "\r\n") + "\r\n")
	b.WriteString("--hostile--\r\n")
	return []byte(b.String())
}
