package demo

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/sealdesk/sealdesk/store"
)

// GroupName is the name the demo's group is created with.
const GroupName = "Demo helpdesk"

// Groups is where AddGroup files the demo's group; *store.Store is one.
type Groups interface {
	Groups(ctx context.Context) ([]store.Group, error)
	SaveGroup(ctx context.Context, g store.Group) (store.Group, error)
}

var _ Groups = (*store.Store)(nil)

// AddGroup makes sure a group sends from the demo helpdesk's address, so
// that the composer has a sender: when none does, it creates one that
// signs and encrypts with S/MIME by default (the demo has the helpdesk's
// certificate and key). A group that already sends from the address is
// left as it is, edits included, and returned; so is a group of the user's
// own that has the name, in which case no group is created (the zero
// Group comes back).
func AddGroup(ctx context.Context, groups Groups) (store.Group, error) {
	list, err := groups.Groups(ctx)
	if err != nil {
		return store.Group{}, fmt.Errorf("demo: listing the groups: %w", err)
	}
	for _, g := range list {
		if strings.EqualFold(addrOf(g.SenderAddress), HelpdeskAddr) {
			return g, nil
		}
	}
	g, err := groups.SaveGroup(ctx, store.Group{Name: GroupName, SenderAddress: HelpdeskName + " <" + HelpdeskAddr + ">",
		DefaultSign: true, DefaultEncrypt: true, Technology: "S/MIME"})
	if errors.Is(err, store.ErrGroupExists) {
		return store.Group{}, nil
	}
	if err != nil {
		return g, fmt.Errorf("demo: creating the group %q: %w", GroupName, err)
	}
	return g, nil
}

// addrOf is the address of "Name <a@b>", empty when it is none.
func addrOf(v string) string {
	a, err := mail.ParseAddress(v)
	if err != nil {
		return ""
	}
	return a.Address
}
