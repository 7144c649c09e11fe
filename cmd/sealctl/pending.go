package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/sealdesk/sealdesk/store"
)

const pendingUsage = `pending list [--json]      keys and certificates found in received mail or published by the team, waiting for a decision
       pending accept ID          import it (failed articles are re-checked)
       pending reject ID          never use it, and do not propose it again`

var pendingCommands = map[string]func(e *env, args []string) error{
	"list":   runPendingList,
	"accept": runPendingAccept,
	"reject": runPendingReject,
}

// runPending dispatches `sealctl pending SUBCOMMAND`.
func runPending(e *env, args []string) error {
	return dispatch(e, "pending", pendingUsage, pendingCommands, args)
}

func runPendingList(e *env, args []string) error {
	asJSON, err := e.listFlags("pending list", args)
	if err != nil {
		return err
	}
	list, err := e.security().FoundKeys.List(e.ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return e.printJSON(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "no keys waiting for a decision")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTYPE\tFROM\tADDRESS\tKEY\tNOTES")
	for _, k := range list {
		notes := k.Warning
		if k.Seen > 1 {
			notes = strings.TrimSuffix(fmt.Sprintf("seen in %d mails; %s", k.Seen, notes), "; ")
		}
		if k.KeyChange {
			notes = "KEY CHANGE: would replace " + k.Replaces + "; " + notes
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Technology, pendingFrom(k), k.Address, k.Label, notes)
	}
	return tw.Flush()
}

// pendingFrom is where a found key came from: the part of a mail that
// carried it (autocrypt, attachment, signature), or "team: ADDRESS" for a
// key a team member published (docs/team.md, the shared key directory).
func pendingFrom(k store.PendingKey) string {
	if k.Origin != store.OriginTeam {
		return k.Source
	}
	who := k.OriginAgent
	if who == "" {
		who = k.OriginAgentName
	}
	if who == "" {
		return "team"
	}
	return "team: " + who
}

func runPendingAccept(e *env, args []string) error {
	id, err := pendingID(e, "pending accept", args)
	if err != nil {
		return err
	}
	res, err := e.security().FoundKeys.Accept(e.ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "accepted and imported %s %s\n", res.Pending.Technology, describePending(res.Pending))
	printRecheck(e, res.Rechecked, res.RecheckError)
	return nil
}

func runPendingReject(e *env, args []string) error {
	id, err := pendingID(e, "pending reject", args)
	if err != nil {
		return err
	}
	k, err := e.security().FoundKeys.Reject(e.ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "rejected %s %s\n", k.Technology, describePending(k))
	return nil
}

// pendingID takes the one ID argument; a malformed one is a usage error,
// an unknown one exit 4.
func pendingID(e *env, cmd string, args []string) (int64, error) {
	fs := e.flags(cmd, "ID")
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) != 1 {
		return 0, usageError{msg: cmd + " needs exactly one ID (see pending list)"}
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError{msg: fmt.Sprintf("%s: %q is not an ID (see pending list)", cmd, pos[0])}
	}
	return id, nil
}

func describePending(k store.PendingKey) string {
	return fmt.Sprintf("%s (fingerprint %s)", k.Label, k.Fingerprint)
}
