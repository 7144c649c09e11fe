package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sealdesk/sealdesk/mailbox"
	"github.com/sealdesk/sealdesk/store"
)

// runTicket dispatches `ticket state|assign`: the team desk's changes
// (docs/team.md). Each applies locally at once and is written to the
// team folder now, or queued for the next sync when the server is out of
// reach.
func runTicket(e *env, args []string) error {
	if len(args) == 0 {
		return usageError{msg: "ticket needs a subcommand: state or assign"}
	}
	switch args[0] {
	case "state":
		return runTicketState(e, args[1:])
	case "assign":
		return runTicketAssign(e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, "usage: sealctl [--data DIR] ticket state N open|pending|closed [--until YYYY-MM-DD] [--json]")
		fmt.Fprintln(e.stdout, "       sealctl [--data DIR] ticket assign N AGENT|--none [--json]")
		return nil
	}
	return usageError{msg: fmt.Sprintf("ticket: unknown subcommand %q (want state or assign)", args[0])}
}

func runTicketState(e *env, args []string) error {
	fs := e.flags("ticket state", "N open|pending|closed [--until YYYY-MM-DD]")
	until := fs.String("until", "", "reminder date of a pending ticket, YYYY-MM-DD")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{msg: "ticket state needs N and a state (open, pending or closed)"}
	}
	n, err := ticketNumber(pos[0])
	if err != nil {
		return err
	}
	res, err := e.mailbox().SetTicketState(e.ctx, n, pos[1], *until, mailbox.TeamOptions{})
	if err != nil {
		return err
	}
	return e.printChange(res, *asJSON)
}

func runTicketAssign(e *env, args []string) error {
	fs := e.flags("ticket assign", "N AGENT|--none")
	none := fs.Bool("none", false, "unassign the ticket")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if (len(pos) != 2 || *none) && (len(pos) != 1 || !*none) {
		return usageError{msg: "ticket assign needs N and an agent (address or name), or N --none"}
	}
	n, err := ticketNumber(pos[0])
	if err != nil {
		return err
	}
	agent := ""
	if !*none {
		agent = pos[1]
	}
	res, err := e.mailbox().AssignTicket(e.ctx, n, agent, mailbox.TeamOptions{})
	if err != nil {
		return err
	}
	return e.printChange(res, *asJSON)
}

func ticketNumber(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, usageError{msg: fmt.Sprintf("ticket number %q: want a positive number", s)}
	}
	return n, nil
}

// printChange says what became of a change, and plainly when it lost to
// another agent's.
func (e *env) printChange(res mailbox.ChangeResult, asJSON bool) error {
	if asJSON {
		return e.printJSON(res)
	}
	t := res.Ticket
	owner := t.Owner
	if owner == "" {
		owner = "unassigned"
	}
	fmt.Fprintf(e.stdout, "#%d  %s %s  %s\n", t.Number, t.State, t.PendingUntil, owner)
	switch {
	case !res.Team:
		fmt.Fprintln(e.stdout, "changed here (the account has no team records)")
	case res.Queued:
		fmt.Fprintf(e.stdout, "queued for the team: written at the next sync (%s)\n", res.WriteError)
	default:
		fmt.Fprintln(e.stdout, "written for the team")
	}
	if res.Pass != nil {
		for _, c := range res.Pass.Conflicts {
			fmt.Fprintf(e.stderr, "sealctl: %s\n", conflictSentence(c, e.agentNames(), time.Now()))
		}
	}
	return nil
}

// conflictSentence is `Bob <bob@example.test> set state "closed" on
// #10004 10s ago; your change ("pending") was not applied`: the winner by
// the name the team's records give (names: by lower-case address), else
// by address.
func conflictSentence(c store.TeamConflict, names map[string]string, now time.Time) string {
	who := c.WinnerAgent
	switch name := names[strings.ToLower(who)]; {
	case who == "":
		who = "another agent"
	case name != "":
		who = name + " <" + who + ">" // a sentence, not a header field: no quoting
	}
	ago := ""
	if at, err := time.Parse(time.RFC3339, c.WinnerAt); err == nil {
		ago = " " + now.Sub(at).Round(time.Second).String() + " ago"
	}
	return fmt.Sprintf("%s set %s %q on #%d%s; your change (%q) was not applied", who, c.Field, c.WinnerValue, c.Number, ago, c.Mine)
}

// agentNames maps the team's agents' addresses, lower case, to their
// names (the agent records read so far); empty when none is known.
func (e *env) agentNames() map[string]string {
	names, err := e.profile.Store.AgentNames(e.ctx)
	if err != nil {
		return map[string]string{} // the sentence names the address instead
	}
	return names
}

// runAgent dispatches `agent set`.
func runAgent(e *env, args []string) error {
	if len(args) == 0 || args[0] != "set" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(e.stdout, "usage: sealctl [--data DIR] agent set NAME ADDRESS")
			return nil
		}
		return usageError{msg: "agent needs a subcommand: set NAME ADDRESS"}
	}
	fs := e.flags("agent set", "NAME ADDRESS")
	pos, err := e.parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{msg: "agent set needs NAME and ADDRESS"}
	}
	if err := e.mailbox().SetAgent(e.ctx, pos[0], pos[1]); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "agent %s <%s>: published to the team at the next sync\n", pos[0], pos[1])
	return nil
}
