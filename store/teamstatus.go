package store

import "context"

// TeamStatus is where this laptop stands with its teams (`sealctl team
// status`): per account, how far its team folder was read and what waits
// to be written; for the laptop, its agent identity and whether it
// accepts the team's plain additions on its own.
type TeamStatus struct {
	AgentName    string `json:"agent_name"`
	AgentAddress string `json:"agent_address"`
	// AutoAccept is SettingTeamAutoAcceptKeys: a setting of this laptop,
	// for every account.
	AutoAccept bool                `json:"auto_accept"`
	Accounts   []TeamAccountStatus `json:"accounts"`
}

// TeamAccountStatus is one account's part of TeamStatus.
type TeamAccountStatus struct {
	Account string `json:"account"`
	// Team: the account has team records on (account add without
	// --no-team).
	Team bool `json:"team"`
	// Folder is the team folder as the server names it; "" before the
	// first team pass.
	Folder      string `json:"folder"`
	UIDValidity uint32 `json:"uid_validity"`
	// Records is how many messages of the folder this laptop has read
	// (records, and messages that are none: IgnoredRecords of them).
	Records        int    `json:"records"`
	IgnoredRecords int    `json:"ignored_records"`
	LastUID        uint32 `json:"last_uid"`
	// Epoch counts the times the log was lost and started again.
	Epoch int `json:"epoch"`
	// QueuedChanges are records built and waiting to be written
	// (team_outbox); QueuedKeys keys and key removals waiting to become
	// records (team_key_queue).
	QueuedChanges int `json:"queued_changes"`
	QueuedKeys    int `json:"queued_keys"`
}

// TeamStatus reports every account's team state, by account name.
func (s *Store) TeamStatus(ctx context.Context) (TeamStatus, error) {
	st := TeamStatus{Accounts: []TeamAccountStatus{}}
	var err error
	if st.AgentName, err = s.Setting(ctx, SettingAgentName); err != nil {
		return st, err
	}
	if st.AgentAddress, err = s.Setting(ctx, SettingAgentAddress); err != nil {
		return st, err
	}
	if st.AutoAccept, err = s.BoolSetting(ctx, SettingTeamAutoAcceptKeys); err != nil {
		return st, err
	}
	rows, err := s.query(ctx, `SELECT a.name, a.team, COALESCE(f.name, ''), COALESCE(f.uid_validity, 0), COALESCE(f.last_uid, 0), COALESCE(f.epoch, 0),
	        (SELECT COUNT(*) FROM team_records r WHERE r.account_id = a.id),
	        (SELECT COUNT(*) FROM team_records r WHERE r.account_id = a.id AND r.status = 'ignored'),
	        (SELECT COUNT(*) FROM team_outbox o WHERE o.account_id = a.id),
	        (SELECT COUNT(*) FROM team_key_queue q WHERE q.account_id = a.id)
	    FROM accounts a LEFT JOIN team_folders f ON f.account_id = a.id ORDER BY a.name`)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var a TeamAccountStatus
		if err := rows.Scan(&a.Account, &a.Team, &a.Folder, &a.UIDValidity, &a.LastUID, &a.Epoch,
			&a.Records, &a.IgnoredRecords, &a.QueuedChanges, &a.QueuedKeys); err != nil {
			return st, err
		}
		st.Accounts = append(st.Accounts, a)
	}
	return st, rows.Err()
}
