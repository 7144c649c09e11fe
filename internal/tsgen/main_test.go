package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sealdesk/sealdesk/security"
)

// The tracked file is what tsgen writes now (CI's bindings-fresh step
// checks the same after `make bindings`).
func TestGeneratedFileIsFresh(t *testing.T) {
	got, err := os.ReadFile(filepath.Join("..", "..", Output))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, render()) {
		t.Fatalf("%s is stale: run `go run ./internal/tsgen` from the repository root", Output)
	}
}

// declared returns the values of the string constants of type typ that a
// package's non-test files declare.
func declared(t *testing.T, dir, typ string) []string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), filepath.Join("..", "..", dir), func(fi os.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != typ {
						continue
					}
					for _, v := range vs.Values {
						if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							s, _ := strconv.Unquote(lit.Value)
							out = append(out, s)
						}
					}
				}
			}
		}
	}
	return out
}

// Each Go list names every constant of its type: a value declared but left
// out of the list would be missing from the front end (and, for ticket
// states, from validation).
func TestListsHoldEveryDeclaredValue(t *testing.T) {
	where := map[string][2]string{ // the TypeScript list -> package dir, Go type
		"TICKET_STATES":       {"store", "TicketState"},
		"TECHNOLOGIES":        {"crypto/verdict", "Technology"},
		"OUTBOX_STATUSES":     {"store", "OutboxStatus"},
		"SEND_STEPS":          {"mailbox", "SendStep"},
		"ERROR_CODES":         {"app", "ErrorCode"},
		"EVENT_NAMES":         {"app", "EventName"},
		"SELF_SIGNED_CHOICES": {"security", "SelfSigned"},
	}
	for _, e := range enums() {
		w, ok := where[e.list]
		if !ok {
			t.Errorf("%s: say where its constants are declared", e.list)
			continue
		}
		decl := declared(t, w[0], w[1])
		switch w[1] {
		case "Technology": // TechNone is no technology
			decl = slices.DeleteFunc(decl, func(s string) bool { return s == "" })
		case "SelfSigned": // as is, and ask, are no answer an admin gives
			decl = slices.DeleteFunc(decl, func(s string) bool {
				return s == string(security.SelfSignedAsIs) || s == string(security.SelfSignedAsk)
			})
		}
		got := slices.Sorted(slices.Values(e.values))
		slices.Sort(decl)
		if len(decl) == 0 || !slices.Equal(got, decl) {
			t.Errorf("%s() = %q, but %s declares %s constants %q", e.origin, e.values, w[0], w[1], decl)
		}
	}
}
