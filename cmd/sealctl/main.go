// Command sealctl is SealDesk's headless twin for admins and scripts. It runs
// over the same packages as the desktop app (profile, store, crypto/…,
// mail/…) and builds with CGO_ENABLED=0.
//
// Usage: sealctl [--data DIR] COMMAND [ARGS]. Human output by default,
// --json for scripts. Exit codes are listed in exit.go.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
)

// command is one sealctl subcommand.
type command struct {
	summary string
	// needsProfile commands get an open profile in env.
	needsProfile bool
	run          func(env *env, args []string) error
}

var commands = map[string]command{
	"version": {summary: "print the version", run: runVersion},
	"status":  {summary: "show the data directory, schema and keychain state", needsProfile: true, run: runStatus},
	"cert":    {summary: "S/MIME certificates and keys: import, key, list, delete, export, export-bundle", needsProfile: true, run: runCert},
	"pgp":     {summary: "OpenPGP keys: import, list, delete, export, export-bundle", needsProfile: true, run: runPGP},
	"pending": {summary: "keys found in received mail or published by the team: list, accept, reject", needsProfile: true, run: runPending},
	"inspect": {summary: "process one message as an incoming article and show its security", needsProfile: true, run: runInspect},
	"seal":    {summary: "sign and/or encrypt an outgoing message (--type smime|pgp)", needsProfile: true, run: runSeal},
	"account": {summary: "mailbox accounts: add, list (passwords in the keychain)", needsProfile: true, run: runAccount},
	"send":    {summary: "send a message (--sign, --encrypt, --type smime|pgp) through the account's SMTP server, via the outbox", needsProfile: true, run: runSend},
	"sync":    {summary: "mirror the accounts' mailboxes into tickets (--once, or keep syncing with IDLE)", needsProfile: true, run: runSync},
	"tickets": {summary: "list the tickets with their articles", needsProfile: true, run: runTickets},
	"ticket":  {summary: "change a ticket for the team: state N open|pending|closed [--until DATE], assign N AGENT|--none", needsProfile: true, run: runTicket},
	"agent":   {summary: "this laptop's agent identity for the team: set NAME ADDRESS", needsProfile: true, run: runAgent},
	"team":    {summary: "the team desk on this laptop: status (folder, records read, queued), auto-accept on|off", needsProfile: true, run: runTeam},
	"bundle":  {summary: "key bundles left in the team folder for a colleague: list, import UID --passphrase-file F", needsProfile: true, run: runBundle},
	"retry":   {summary: "run the security engines again over failed articles (--all) or one", needsProfile: true, run: runRetry},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("sealctl", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	dataDir := global.String("data", "", "data directory")
	if err := global.Parse(args); err != nil {
		fmt.Fprintf(stderr, "sealctl: %v\n\n", err)
		usage(stderr)
		return exitUsage
	}
	rest := global.Args()
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "-h" || rest[0] == "--help" {
		usage(stdout)
		if len(rest) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[rest[0]]
	if !ok {
		fmt.Fprintf(stderr, "sealctl: unknown command %q\n\n", rest[0])
		usage(stderr)
		return exitUsage
	}
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr, dataDir: *dataDir}
	defer e.close()
	if cmd.needsProfile {
		if err := e.openProfile(); err != nil {
			return report(stderr, err)
		}
	}
	return report(stderr, cmd.run(e, rest[1:]))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sealctl [--data DIR] COMMAND [ARGS]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `sealctl COMMAND --help` for a command's flags.")
}

// report prints err (if any) as one actionable line and returns its exit code.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	fmt.Fprintln(stderr, "sealctl: "+strings.TrimPrefix(err.Error(), "sealctl: "))
	return exitCode(err)
}
