package app

import (
	"context"
	"errors"
	"strings"

	"github.com/sealdesk/sealdesk/profile"
	"github.com/sealdesk/sealdesk/store"
)

// Groups is the bound service behind the Groups admin screen.
type Groups struct {
	p *profile.Profile
}

// List returns every group.
func (g *Groups) List() ([]store.Group, error) {
	return g.p.Store.Groups(context.Background())
}

// Save creates or updates a group. Validation and name clashes come back
// as invalid, phrased for the form.
func (g *Groups) Save(group store.Group) (store.Group, error) {
	if err := group.Validate(); err != nil {
		return group, groupInvalid(err)
	}
	saved, err := g.p.Store.SaveGroup(context.Background(), group)
	if errors.Is(err, store.ErrGroupExists) {
		return group, groupInvalid(err)
	}
	return saved, err
}

// DeleteGroupRequest names the group to delete.
type DeleteGroupRequest struct {
	ID int64 `json:"id"`
}

// Delete removes a group.
func (g *Groups) Delete(req DeleteGroupRequest) error {
	return g.p.Store.DeleteGroup(context.Background(), req.ID)
}

// groupInvalid drops the package prefix (and the sentinel's own text after
// the last colon) for a form error.
func groupInvalid(err error) error {
	msg := strings.TrimSuffix(err.Error(), ": "+store.ErrGroupExists.Error())
	msg = strings.TrimPrefix(msg, "store: ")
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	return &Error{Code: CodeInvalid, Message: msg}
}
