package store

import (
	"context"
	"net/mail"
	"strings"
)

// Contact is an address the composer offers while the agent types.
type Contact struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

// ContactQuery asks for addresses matching Prefix: the start of the
// address or of a word of the name, ignoring case.
type ContactQuery struct {
	Prefix string `json:"prefix"`
	Limit  int    `json:"limit"` // at most 50; 0 means 10
}

// contactRows bounds the rows read per query: the newest mail first, so a
// frequent correspondent is found among them.
const contactRows = 300

// Contacts finds known addresses: senders and recipients of articles (the
// newest first) and the e-mail addresses of S/MIME certificates and
// OpenPGP keys. It reads at most contactRows rows whose text contains the
// prefix, never the whole table.
func (s *Store) Contacts(ctx context.Context, q ContactQuery) ([]Contact, error) {
	if q.Limit <= 0 {
		q.Limit = 10
	}
	q.Limit = min(q.Limit, 50)
	prefix := strings.ToLower(strings.TrimSpace(q.Prefix))
	out := []Contact{}
	if prefix == "" {
		return out, nil
	}
	like := "%" + escapeLike(prefix) + "%"
	rows, err := s.query(ctx, `SELECT v FROM (
	        SELECT from_addr AS v, id AS k FROM articles WHERE from_addr LIKE ?1 ESCAPE '\'
	        UNION ALL SELECT to_addrs, id FROM articles WHERE to_addrs LIKE ?1 ESCAPE '\'
	        UNION ALL SELECT cc_addrs, id FROM articles WHERE cc_addrs LIKE ?1 ESCAPE '\'
	        UNION ALL SELECT emails, -1 FROM smime_certificates WHERE is_ca = 0 AND emails LIKE ?1 ESCAPE '\'
	        UNION ALL SELECT emails, -1 FROM pgp_keys WHERE emails LIKE ?1 ESCAPE '\')
	    ORDER BY k DESC LIMIT ?2`, like, contactRows)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() && len(out) < q.Limit {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		for _, c := range contactsIn(v) {
			k := strings.ToLower(c.Address)
			if !seen[k] && matches(c, prefix) && len(out) < q.Limit {
				seen[k] = true
				out = append(out, c)
			}
		}
	}
	return out, rows.Err()
}

// contactsIn reads an address list as the store writes it ("Name <a@b>,
// c@d") or a certificate's comma-separated e-mail addresses.
func contactsIn(v string) []Contact {
	if list, err := mail.ParseAddressList(v); err == nil {
		out := make([]Contact, 0, len(list))
		for _, a := range list {
			out = append(out, Contact{Name: a.Name, Address: a.Address})
		}
		return out
	}
	var out []Contact
	for _, part := range strings.Split(v, ",") {
		if a, err := mail.ParseAddress(strings.TrimSpace(part)); err == nil {
			out = append(out, Contact{Name: a.Name, Address: a.Address})
		}
	}
	return out
}

func matches(c Contact, prefix string) bool {
	if strings.HasPrefix(strings.ToLower(c.Address), prefix) {
		return true
	}
	for _, w := range strings.Fields(strings.ToLower(c.Name)) {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}
