package store

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestDatabaseLandsInItsDataDirectory: whatever the data directory's name
// holds (spaces, '#', '?', '%', non-ASCII; Windows user names may contain
// '#'), the database is exactly <dir>/sealdesk.db and nothing is created
// beside the directory. On the old code "file:"+path cut the path at '#'
// or '?' ("desk #1" wrote "desk " beside it) and decoded "%41".
func TestDatabaseLandsInItsDataDirectory(t *testing.T) {
	names := []string{"my data", "desk #1", "what?", "100% sure", "lit %41 eral", "Bürö 日本", "a&b=c;d+e", "#?%#"}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, name)
			s, err := Open(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.ProfileID(context.Background()); err != nil {
				t.Fatal(err)
			}
			s.Close()
			if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
				t.Fatalf("no database at the intended path: %v", err)
			}
			if got := entries(t, parent); !slices.Equal(got, []string{name}) {
				t.Fatalf("beside the data directory: %q, want only %q", got, name)
			}
		})
	}
}

// TestTwoDataDirectoriesTwoDatabases: "X #1" and "X #2" are two profiles,
// not one database named "X " shared by both.
func TestTwoDataDirectoriesTwoDatabases(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	ids := map[string]bool{}
	for _, name := range []string{"X #1", "X #2"} {
		s, err := Open(ctx, filepath.Join(parent, name))
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.ProfileID(ctx)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		ids[id] = true
	}
	if len(ids) != 2 {
		t.Fatal("the two data directories share one database")
	}
	if got := entries(t, parent); !slices.Equal(got, []string{"X #1", "X #2"}) {
		t.Fatalf("entries %q, want the two directories only", got)
	}
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
