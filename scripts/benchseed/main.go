// Command benchseed writes a Maildir folder of benchmark mail straight into
// Dovecot's Maildir (scripts/bench-sync.sh; one file per mail, no IMAP, no
// process per mail): N mails of a few KB, every fifth one an S/MIME mail
// made by OpenSSL (signed, encrypted, signed+encrypted in turn), every
// third plain one a reply to the one before.
//
// Copies of an OpenSSL-made mail differ only in headers outside what is
// signed or encrypted (Message-ID, Date, Subject, To of the outer header),
// so every signature stays valid and every copy is a distinct message.
//
//	go run ./scripts/benchseed -dir MAILDIR -n 10000 -smime PKI-DIR
//
// PKI-DIR holds signed.eml, encrypted.eml and signed+encrypted.eml as
// scripts/bench.sh makes them. Run Dovecot's indexing afterwards (the first
// SELECT or `doveadm mailbox status`) and chown the files to the mail user.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	dir := flag.String("dir", "", "Maildir folder to create (cur/new/tmp go inside)")
	n := flag.Int("n", 10000, "number of mails")
	smime := flag.String("smime", "", "directory with OpenSSL's signed.eml, encrypted.eml, signed+encrypted.eml")
	tag := flag.String("tag", "bench", "distinguishes Message-IDs between folders")
	flag.Parse()
	if *dir == "" || *smime == "" {
		flag.Usage()
		os.Exit(2)
	}
	var secured [][]byte
	var signedAt []time.Time
	for _, kind := range []string{"signed", "encrypted", "signed+encrypted"} {
		path := filepath.Join(*smime, kind+".eml")
		raw, err := os.ReadFile(path)
		if err != nil {
			log.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			log.Fatal(err)
		}
		secured = append(secured, crlf(raw))
		signedAt = append(signedAt, fi.ModTime())
	}
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(*dir, sub), 0o700); err != nil {
			log.Fatal(err)
		}
	}
	base := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	var body bytes.Buffer
	for i := range 60 {
		fmt.Fprintf(&body, "Line %02d of a support request about a printer that prints only on Tuesdays.\r\n", i+1)
	}
	var buf bytes.Buffer
	for i := range *n {
		date := base.Add(time.Duration(i) * time.Minute)
		mid := fmt.Sprintf("%s-%d@bench.example.test", *tag, i)
		buf.Reset()
		if i%5 == 4 {
			// A signed copy is dated when OpenSSL signed it (the file's
			// mtime): the engines flag a Date more than an hour from the
			// signing time (crypto/sender.DateMismatch), as a replay looks.
			date = signedAt[(i/5)%3].Add(time.Duration(i%60) * time.Second)
		}
		fmt.Fprintf(&buf, "Message-ID: <%s>\r\nDate: %s\r\n", mid, date.Format(time.RFC1123Z))
		if i%5 == 4 {
			// OpenSSL's mail already has From, To, Subject, MIME-Version
			// and Content-Type; prepend ours (the first Subject wins for
			// readers that stop at the first one, and it is outside the
			// signed part either way).
			fmt.Fprintf(&buf, "X-Bench-Seq: %d\r\n", i)
			buf.Write(secured[(i/5)%3])
		} else {
			subject := fmt.Sprintf("Printer trouble %d", i)
			if i%3 == 2 {
				prev := fmt.Sprintf("%s-%d@bench.example.test", *tag, i-1)
				fmt.Fprintf(&buf, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", prev, prev)
				subject = fmt.Sprintf("Re: Printer trouble %d", i-1)
			}
			fmt.Fprintf(&buf, "From: Customer %d <customer%d@example.org>\r\nTo: help@example.test\r\nSubject: %s\r\n"+
				"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\n", i%500, i%500, subject)
			buf.Write(body.Bytes())
			fmt.Fprintf(&buf, "\r\nTicket reference %d.\r\nRegards\r\n", i)
		}
		flags := ""
		if i%2 == 0 {
			flags = "S"
		}
		name := fmt.Sprintf("%d.M%dP1.sealdesk-bench,S=%d:2,%s", date.Unix(), i, buf.Len(), flags)
		path := filepath.Join(*dir, "cur", name)
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			log.Fatal(err)
		}
		// Maildir's INTERNALDATE is the file's mtime.
		_ = os.Chtimes(path, date, date)
	}
}

// crlf makes every line end in CRLF, as Dovecot sends it over IMAP.
func crlf(b []byte) []byte {
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}
