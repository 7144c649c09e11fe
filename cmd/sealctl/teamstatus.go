package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/sealdesk/sealdesk/store"
)

// `sealctl team status|auto-accept`: where this laptop stands with its
// teams (docs/team.md), and its one setting of the shared key directory.

const teamUsage = `team status [--json]           per account: team records on/off, the team folder, records read, last UID, what waits to be written
       team auto-accept on|off        accept the team's plain additions on this laptop without asking (off by default)`

var teamCommands = map[string]func(e *env, args []string) error{
	"status":      runTeamStatus,
	"auto-accept": runTeamAutoAccept,
}

// runTeam dispatches `sealctl team SUBCOMMAND`.
func runTeam(e *env, args []string) error {
	return dispatch(e, "team", teamUsage, teamCommands, args)
}

func runTeamStatus(e *env, args []string) error {
	fs := e.flags("team status", "[--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{msg: "team status takes no arguments"}
	}
	st, err := e.profile.Store.TeamStatus(e.ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return e.printJSON(st)
	}
	agent := "not set (sealctl agent set NAME ADDRESS); records name the account's user"
	if st.AgentAddress != "" {
		agent = fmt.Sprintf("%s <%s>", st.AgentName, st.AgentAddress)
	}
	fmt.Fprintf(e.stdout, "agent:       %s\nauto-accept: %s\n", agent, autoAcceptSentence(st.AutoAccept))
	if len(st.Accounts) == 0 {
		fmt.Fprintln(e.stdout, "no accounts; add one with `sealctl account add`")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ACCOUNT\tTEAM\tFOLDER\tRECORDS\tLAST UID\tQUEUED CHANGES\tQUEUED KEYS")
	for _, a := range st.Accounts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\n", a.Account, onOff(a.Team), orDash(a.Folder), records(a), a.LastUID, a.QueuedChanges, a.QueuedKeys)
	}
	return tw.Flush()
}

func runTeamAutoAccept(e *env, args []string) error {
	fs := e.flags("team auto-accept", "on|off")
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "on" && pos[0] != "off") {
		return usageError{msg: "team auto-accept needs on or off"}
	}
	on := pos[0] == "on"
	if err := e.profile.Store.SetSetting(e.ctx, store.SettingTeamAutoAcceptKeys, fmt.Sprint(on)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "auto-accept %s: %s\n", pos[0], autoAcceptSentence(on))
	return nil
}

// autoAcceptSentence says what the setting means, as Settings does.
func autoAcceptSentence(on bool) string {
	if on {
		return "on (this laptop accepts a leaf certificate a team member published when its own trusted CAs vouch for it and it holds none for the address; CA certificates, key changes and OpenPGP keys still wait in \"Found in mail\")"
	}
	return "off (every key the team publishes waits in \"Found in mail\" for an admin)"
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// records is "42", or "42 (3 ignored)" when some messages of the folder
// were not records.
func records(a store.TeamAccountStatus) string {
	if a.IgnoredRecords == 0 {
		return fmt.Sprint(a.Records)
	}
	return fmt.Sprintf("%d (%d ignored)", a.Records, a.IgnoredRecords)
}
