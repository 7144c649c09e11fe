package app

import (
	"context"

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

// Save creates or updates a group.
func (g *Groups) Save(group store.Group) (store.Group, error) {
	if err := group.Validate(); err != nil {
		return group, invalid(err)
	}
	saved, err := g.p.Store.SaveGroup(context.Background(), group)
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
