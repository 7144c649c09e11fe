package store

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/crypto/verdict"
)

// checkList reads the values a column's CHECK (column IN (...)) allows from
// the live schema (sqlite_master), as the migrations left it.
func checkList(t *testing.T, s *Store, table, column string) []string {
	t.Helper()
	var ddl string
	if err := s.DB().QueryRowContext(context.Background(),
		`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, table).Scan(&ddl); err != nil {
		t.Fatalf("the schema of %s: %v", table, err)
	}
	m := regexp.MustCompile(`CHECK\s*\(\s*` + column + `\s+IN\s*\(([^)]*)\)\s*\)`).FindStringSubmatch(ddl)
	if m == nil {
		t.Fatalf("no CHECK (%s IN (...)) in %s:\n%s", column, table, ddl)
	}
	var out []string
	for _, v := range strings.Split(m[1], ",") {
		out = append(out, strings.Trim(strings.TrimSpace(v), "'"))
	}
	return out
}

func asStrings[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// The Go enums are the one list; the CHECKs of frozen migrations must
// allow exactly their values, or a value the UI offers fails in SQL.
func TestEnumsMatchTheSchemasChecks(t *testing.T) {
	s := open(t)
	for _, c := range []struct {
		table, column string
		want          []string
	}{
		{"tickets", "state", asStrings(TicketStates())},
		{"outbox", "status", asStrings(OutboxStatuses())},
		{"groups", "technology", asStrings(verdict.Technologies())},
		// An outbox row may be neither signed nor encrypted.
		{"outbox", "technology", append([]string{""}, asStrings(verdict.Technologies())...)},
	} {
		got := checkList(t, s, c.table, c.column)
		slices.Sort(got)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(got, want) {
			t.Errorf("%s.%s: the CHECK allows %q, the Go list is %q", c.table, c.column, got, want)
		}
	}
}

func TestTicketStateParseAndFilter(t *testing.T) {
	for _, st := range TicketStates() {
		if got, err := ParseTicketState(string(st)); err != nil || got != st {
			t.Errorf("ParseTicketState(%q) = %q, %v", st, got, err)
		}
	}
	if _, err := ParseTicketState("archived"); !errors.Is(err, ErrBadState) {
		t.Errorf("ParseTicketState(archived): %v, want ErrBadState", err)
	}
	s := open(t)
	if _, err := s.Tickets(context.Background(), TicketQuery{State: "archived"}); !errors.Is(err, ErrBadFilter) {
		t.Errorf("an unknown state filter: %v, want ErrBadFilter", err)
	}
}
