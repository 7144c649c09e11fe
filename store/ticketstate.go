package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// TicketState is where a ticket stands in the agent's work. Its values are
// the ones the tickets table's CHECK allows (migration 0001);
// TestTicketStatesMatchSchema pins the two lists together.
type TicketState string

const (
	TicketOpen    TicketState = "open"
	TicketPending TicketState = "pending"
	TicketClosed  TicketState = "closed"
)

// TicketStates lists every ticket state in the order the UI offers them.
// It is the one list: the front end's (frontend/src/api/generated.ts,
// written by internal/tsgen) and sealctl's column width come from it.
func TicketStates() []TicketState {
	return []TicketState{TicketOpen, TicketPending, TicketClosed}
}

// Valid says whether s is one of TicketStates.
func (s TicketState) Valid() bool {
	return slices.Contains(TicketStates(), s)
}

// ErrBadState: a ticket state that is not one of TicketStates.
var ErrBadState = errors.New("store: a ticket's state is " + orList(TicketStates()))

// ParseTicketState reads a ticket state as the API and sealctl spell it.
func ParseTicketState(s string) (TicketState, error) {
	if st := TicketState(s); st.Valid() {
		return st, nil
	}
	return "", fmt.Errorf("%w, not %q", ErrBadState, s)
}

// orList spells a list of values as "a, b or c".
func orList[T ~string](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = string(v)
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}
