package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/sealdesk/sealdesk/crypto/keystore"
	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/store"
)

// runAccount dispatches `account add|list`.
func runAccount(e *env, args []string) error {
	if len(args) == 0 {
		return usageError{msg: "account needs a subcommand: add or list"}
	}
	switch args[0] {
	case "add":
		return runAccountAdd(e, args[1:])
	case "list":
		return runAccountList(e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, "usage: sealctl [--data DIR] account add NAME --imap imap://HOST:PORT --tls implicit|starttls|none --user U --password-file F [--smtp smtp://HOST:PORT --smtp-tls implicit|starttls|none] [--pin SHA256] [--folders NAME,NAME] [--no-team]")
		fmt.Fprintln(e.stdout, "       sealctl [--data DIR] account list [--json]")
		return nil
	}
	return usageError{msg: fmt.Sprintf("account: unknown subcommand %q (want add or list)", args[0])}
}

// runAccountAdd stores an account (an existing name is updated): the
// password goes to the keychain as account-password:NAME, never to SQLite.
func runAccountAdd(e *env, args []string) error {
	fs := e.flags("account add", "NAME --imap imap://HOST:PORT --tls implicit|starttls|none --user U --password-file F [--smtp smtp://HOST:PORT --smtp-tls MODE] [--pin SHA256] [--folders NAME,NAME]")
	imapAddr := fs.String("imap", "", "IMAP server, imap://HOST:PORT or HOST:PORT")
	tls := fs.String("tls", "implicit", "IMAP transport security: implicit (993), starttls (143) or none (loopback only)")
	user := fs.String("user", "", "user name")
	passFile := fs.String("password-file", "", "file holding the password (one trailing newline is dropped)")
	smtpAddr := fs.String("smtp", "", "SMTP submission server, smtp://HOST:PORT (optional)")
	smtpTLS := fs.String("smtp-tls", "starttls", "SMTP transport security: implicit (465), starttls (587) or none (loopback only)")
	pin := fs.String("pin", "", "trust a self-signed IMAP server by its certificate's SHA-256 fingerprint")
	noTeam := fs.Bool("no-team", false, "no team records for this account (they are on by default: docs/team.md)")
	var extra []string // nil: --folders not given, the stored list stays
	fs.Func("folders", "folders to mirror besides INBOX and Sent, comma-separated (\"\" clears them)", func(v string) error {
		extra = []string{}
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				extra = append(extra, f)
			}
		}
		return nil
	})
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 1:
		return usageError{msg: "account add needs exactly one NAME"}
	case *imapAddr == "" || *user == "" || *passFile == "":
		return usageError{msg: "account add needs --imap, --user and --password-file"}
	}
	pw, err := readPassphrase(*passFile)
	if err != nil {
		return err
	}
	defer keystore.Zero(pw)
	a, err := e.mailbox().SaveAccount(e.ctx, mailbox.AccountInput{
		Name: pos[0], IMAP: *imapAddr, IMAPTLS: *tls, Username: *user, Password: pw,
		SMTP: *smtpAddr, SMTPTLS: *smtpTLS, PinnedSHA256: *pin, Folders: extra, NoTeam: *noTeam,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "account %s: %s, password in the keychain as %s\n", a.Name, describeAccount(a), mailbox.PasswordItem(a.Name))
	return nil
}

func runAccountList(e *env, args []string) error {
	fs := e.flags("account list", "[--json]")
	asJSON := fs.Bool("json", false, "print a JSON array")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	list, err := e.mailbox().Accounts(e.ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return e.printJSON(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "no accounts; add one with `sealctl account add`")
		return nil
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tSERVERS")
	for _, a := range list {
		fmt.Fprintf(w, "%s\t%s\n", a.Name, describeAccount(a))
	}
	return w.Flush()
}

func describeAccount(a store.Account) string {
	s := fmt.Sprintf("IMAP %s@%s:%d (TLS %s)", a.Username, a.IMAPHost, a.IMAPPort, a.IMAPTLS)
	if a.PinnedCert != "" {
		s += " pinned"
	}
	if a.SMTPHost != "" {
		s += fmt.Sprintf(", SMTP %s:%d (TLS %s)", a.SMTPHost, a.SMTPPort, a.SMTPTLS)
	}
	if a.NoTeam {
		s += ", no team records"
	}
	if len(a.Folders) > 0 {
		// Only with extra folders: without them the line stays as it was.
		s += ", folders " + strings.Join(a.Folders, ", ")
	}
	return s
}
