package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// Group is a sender address we answer from, with the composer's defaults
// (Zammad's per-group default behaviour).
type Group struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	SenderAddress  string `json:"sender_address"`
	DefaultSign    bool   `json:"default_sign"`
	DefaultEncrypt bool   `json:"default_encrypt"`
	Technology     string `json:"technology"` // "S/MIME" or "PGP"
	Autocrypt      bool   `json:"autocrypt"`
}

// ErrGroupExists: another group has the name.
var ErrGroupExists = errors.New("store: a group of that name already exists")

// Validate checks a group before it is saved and says what to correct.
func (g Group) Validate() error {
	if strings.TrimSpace(g.Name) == "" {
		return errors.New("store: the group needs a name")
	}
	if _, err := mail.ParseAddress(g.SenderAddress); err != nil {
		return fmt.Errorf("store: %q is not an e-mail address: enter the address replies are sent from", g.SenderAddress)
	}
	if g.Technology != "S/MIME" && g.Technology != "PGP" {
		return fmt.Errorf("store: technology must be S/MIME or PGP, not %q", g.Technology)
	}
	return nil
}

// Groups lists every group by name.
func (s *Store) Groups(ctx context.Context) ([]Group, error) {
	rows, err := s.query(ctx, `SELECT id, name, sender_address, default_sign, default_encrypt, technology, autocrypt
	    FROM groups ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	groups := []Group{}
	for rows.Next() {
		var g Group
		if err := rows.Scan(&g.ID, &g.Name, &g.SenderAddress, &g.DefaultSign, &g.DefaultEncrypt, &g.Technology, &g.Autocrypt); err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	return groups, rows.Err()
}

// SaveGroup inserts a group (ID 0) or updates it, and returns it as stored.
func (s *Store) SaveGroup(ctx context.Context, g Group) (Group, error) {
	if err := g.Validate(); err != nil {
		return g, err
	}
	var err error
	if g.ID == 0 {
		err = s.queryRow(ctx, `INSERT INTO groups(name, sender_address, default_sign, default_encrypt, technology, autocrypt)
		    VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			g.Name, g.SenderAddress, g.DefaultSign, g.DefaultEncrypt, g.Technology, g.Autocrypt).Scan(&g.ID)
	} else {
		var res sql.Result
		res, err = s.exec(ctx, `UPDATE groups SET name = ?, sender_address = ?, default_sign = ?, default_encrypt = ?,
		    technology = ?, autocrypt = ? WHERE id = ?`,
			g.Name, g.SenderAddress, g.DefaultSign, g.DefaultEncrypt, g.Technology, g.Autocrypt, g.ID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				err = ErrNotFound
			}
		}
	}
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return g, fmt.Errorf("store: a group named %q already exists: choose another name: %w", g.Name, ErrGroupExists)
	}
	return g, err
}

// DeleteGroup removes a group; its tickets keep existing without a group.
func (s *Store) DeleteGroup(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM groups WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
