package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Texts shown to people name actions ("use Add certificate"), screens
// ("under PGP keys") and sealctl flags ("pass --passphrase-file F"). Each
// must exist: a button or screen label of the app (frontend/src/**/*.svelte)
// or something `sealctl --help` lists (issue 14: texts pointed at "Add
// Private Key", "Import PKCS #12" and a "key manager" the app does not
// have).

var (
	// "use Add certificate or Add private key or PKCS #12": the words
	// after "use" when the first is an action verb; actions() splits them
	// into labels.
	reUse = regexp.MustCompile(`\b[Uu]se ((?:Add|Import|Export|Delete|Trust|Retry|Accept|Reject|Save|Download|Reload|Send|Reply|Stop|Try|Test|Check|Open)(?: (?:[A-Za-z][\w/]*|#\d+))*)`)
	// "press “Retry”", "click 'Reload'": a quoted name after a verb.
	reQuoted = regexp.MustCompile(`\b(?:press|click|choose|use|select) [“"']([^”"']+)[”"']`)
	// "in the key manager", "on the PGP keys screen", "under OpenPGP keys".
	reScreen = regexp.MustCompile(`\b(?:in|on|under) the ([A-Za-z][\w ]*? (?:manager|screen|tab|page))\b|\bunder ([A-Z][\w/]*(?: [a-z]+)?)`)
	// "pass --passphrase-file F", "sealctl cert key --passphrase-file".
	reFlag = regexp.MustCompile(`(?:\bpass|\bsealctl [a-z ]+?|\bwith|\bgive) (--[a-z][a-z-]*)`)
)

// uiReferences returns, per Go string literal that names something, the
// names it refers to: "action:…", "screen:…" or "flag:…".
func uiReferences(s string) []string {
	var refs []string
	for _, m := range reUse.FindAllStringSubmatch(s, -1) {
		refs = append(refs, "actions:"+m[1])
	}
	for _, m := range reQuoted.FindAllStringSubmatch(s, -1) {
		refs = append(refs, "action:"+m[1])
	}
	for _, m := range reScreen.FindAllStringSubmatch(s, -1) {
		name := m[1] + m[2]
		name = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, " screen"), " tab"), " page")
		refs = append(refs, "screen:"+name)
	}
	for _, m := range reFlag.FindAllStringSubmatch(s, -1) {
		refs = append(refs, "flag:"+m[1])
	}
	return refs
}

func isTitle(w string) bool { return w != "" && w[0] >= 'A' && w[0] <= 'Z' }

// goTexts returns every string literal of the module's non-test Go files,
// keyed by "file:line:column".
func goTexts(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "frontend" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					rel, _ := filepath.Rel(root, path)
					pos := fset.Position(lit.Pos())
					out[rel+":"+strconv.Itoa(pos.Line)+":"+strconv.Itoa(pos.Column)] = s
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	reSvelteText  = regexp.MustCompile(`>([^<>{}]+)<`)
	reSvelteAttr  = regexp.MustCompile(`\b(?:title|confirmLabel|label|aria-label)=["']([^"'{}]+)["']`)
	reSvelteLabel = regexp.MustCompile(`\blabel: '([^']+)'`)
)

// unknownAction splits the words after "use" into labels, longest first,
// joined by "or"/"and" before a capitalized word ("Add certificate or Add
// private key or PKCS #12 and enter its passphrase": two labels, then the
// sentence goes on); it returns the words that start no label, "" when
// every named action exists.
func unknownAction(run string, labels map[string]bool) string {
	words := strings.Fields(run)
	for len(words) > 0 {
		n := len(words)
		for ; n > 0 && !labels[normLabel(strings.Join(words[:n], " "))]; n-- {
		}
		if n == 0 {
			return strings.Join(words, " ")
		}
		words = words[n:]
		if len(words) < 2 || (words[0] != "or" && words[0] != "and") || !isTitle(words[1]) {
			return ""
		}
		words = words[1:]
	}
	return ""
}

// uiLabels returns the button, heading and screen labels of the app,
// lower case with single spaces.
func uiLabels(t *testing.T, root string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(root, "frontend", "src"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".svelte") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range []*regexp.Regexp{reSvelteText, reSvelteAttr, reSvelteLabel} {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				if l := normLabel(m[1]); l != "" {
					out[l] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func normLabel(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(strings.NewReplacer("’", "'", "…", "").Replace(s)), " "))
}

// sealctlHelp is everything `sealctl --help`, `sealctl COMMAND --help`
// and `sealctl COMMAND SUB --help` print. A command opens its profile
// before it reads --help, so each runs on a throwaway one: the default
// profile (~/.config/SealDesk) is the agent's and must not be migrated
// by a test.
func sealctlHelp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	out, errOut, _ := sealctl(t, "--data", dir, "--help")
	b.WriteString(out + errOut)
	for name, c := range commands {
		out, errOut, _ := sealctl(t, "--data", dir, name, "--help")
		b.WriteString(out + errOut)
		_ = c
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "usage: sealctl [--data DIR]"))
			if len(f) >= 2 && f[0] == name && regexp.MustCompile(`^[a-z]+$`).MatchString(f[1]) {
				o, e, _ := sealctl(t, "--data", dir, name, f[1], "--help")
				b.WriteString(o + e)
			}
		}
	}
	return b.String()
}

func TestUserTextsNameWhatExists(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	labels := uiLabels(t, root)
	if len(labels) < 50 {
		t.Fatalf("only %d UI labels found under %s/frontend/src: the collector is broken", len(labels), root)
	}
	help := sealctlHelp(t)
	exists := func(ref string) bool {
		kind, name, _ := strings.Cut(ref, ":")
		switch kind {
		case "flag":
			return strings.Contains(help, name)
		case "actions":
			return unknownAction(name, labels) == ""
		}
		return labels[normLabel(name)] || (kind == "action" && strings.Contains(help, strings.ToLower(name)))
	}
	checked := 0
	for where, s := range goTexts(t, root) {
		for _, ref := range uiReferences(s) {
			checked++
			if !exists(ref) {
				t.Errorf("%s names %s, which neither the app nor sealctl --help has: %q", where, ref, s)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no user text names an action: the collector is broken")
	}
}

// TestUIReferences pins what the collector finds.
func TestUIReferences(t *testing.T) {
	for s, want := range map[string]string{
		"this is a private key, not a certificate: use Add Private Key":  "actions:Add Private Key",
		"this is a PKCS #12 bundle: use Import PKCS #12 and enter":       "actions:Import PKCS #12 and enter",
		"import or create one in the key manager.":                       "screen:key manager",
		"ours; delete it in the key manager if it is really retired.":    "screen:key manager",
		"import it under OpenPGP keys":                                   "screen:OpenPGP keys",
		"is protected by a passphrase: pass --passphrase-file F (a file": "flag:--passphrase-file",
		"use TLS \"starttls\" (port 587)":                                "",
		"ask the sender to use AES.":                                     "",
		"press \"Retry security process\" to check the message again":    "action:Retry security process",
	} {
		got := strings.Join(uiReferences(s), "|")
		if got != want {
			t.Errorf("uiReferences(%q) = %q, want %q", s, got, want)
		}
	}
	labels := map[string]bool{"add certificate": true, "add private key or pkcs #12": true}
	for run, want := range map[string]string{
		"Add certificate or Add private key or PKCS #12 and enter its passphrase": "",
		"Add Private Key":                    "Add Private Key",
		"Add certificate or Import PKCS #12": "Import PKCS #12",
	} {
		if got := unknownAction(run, labels); got != want {
			t.Errorf("unknownAction(%q) = %q, want %q", run, got, want)
		}
	}
}
