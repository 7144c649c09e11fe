package main

import (
	"fmt"
	"strconv"
)

// runRetry runs the security engines again over stored articles: --all
// over every article whose result failed (as a certificate import does),
// or one article by ID.
func runRetry(e *env, args []string) error {
	fs := e.flags("retry", "[--all | ARTICLE-ID]")
	all := fs.Bool("all", false, "re-run every article whose security process failed")
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *all && len(pos) == 0:
		changed, err := e.security().Processing.RecheckFailed(e.ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "re-checked failed articles: %d changed\n", changed)
		return nil
	case !*all && len(pos) == 1:
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil || id <= 0 {
			return usageError{msg: fmt.Sprintf("retry: %q is not an article ID (see `sealctl tickets`)", pos[0])}
		}
		in, changed, err := e.security().Processing.Retry(e.ctx, id)
		if err != nil {
			return err
		}
		word := "unchanged"
		if changed {
			word = "changed"
		}
		fmt.Fprintf(e.stdout, "article %d: %s (%s)\n", id, securityWord(in.Security), word)
		return nil
	}
	return usageError{msg: "retry needs --all or exactly one ARTICLE-ID"}
}
