package compose

import (
	"testing"
	"time"
)

func TestBlocking(t *testing.T) {
	now := time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)
	mine := ReplyClaim{UID: 20, Root: "q@x", Seen: "q@x", Articles: 1, Agent: "anna@example.test", At: now}
	bob := func(change func(*ReplyClaim)) ReplyClaim {
		c := ReplyClaim{UID: 19, Root: "q@x", Seen: "q@x", Articles: 1, Agent: "bob@example.test", At: now.Add(-3 * time.Second)}
		if change != nil {
			change(&c)
		}
		return c
	}
	for _, tc := range []struct {
		name   string
		others []ReplyClaim
		acked  uint32
		want   uint32 // 0: not blocked
	}{
		{"nobody else", nil, 0, 0},
		{"bob first, same view", []ReplyClaim{bob(nil)}, 0, 19},
		{"bob after me", []ReplyClaim{bob(func(c *ReplyClaim) { c.UID = 21 })}, 0, 0},
		{"bob's claim is mine (same UID)", []ReplyClaim{bob(func(c *ReplyClaim) { c.UID = 20 })}, 0, 0},
		{"another ticket", []ReplyClaim{bob(func(c *ReplyClaim) { c.Root = "other@x" })}, 0, 0},
		{"bob had seen an answer I had not", []ReplyClaim{bob(func(c *ReplyClaim) { c.Seen, c.Articles = "a2@x", 2 })}, 0, 0},
		{"same newest article, other count", []ReplyClaim{bob(func(c *ReplyClaim) { c.Articles = 2 })}, 0, 0},
		{"11 minutes old", []ReplyClaim{bob(func(c *ReplyClaim) { c.At = now.Add(-11 * time.Minute) })}, 0, 0},
		{"9 minutes old", []ReplyClaim{bob(func(c *ReplyClaim) { c.At = now.Add(-9 * time.Minute) })}, 0, 19},
		{"exactly the window", []ReplyClaim{bob(func(c *ReplyClaim) { c.At = now.Add(-ReplyWindow) })}, 0, 0},
		{"a clock 2 minutes ahead", []ReplyClaim{bob(func(c *ReplyClaim) { c.At = now.Add(2 * time.Minute) })}, 0, 19},
		{"a clock an hour ahead", []ReplyClaim{bob(func(c *ReplyClaim) { c.At = now.Add(time.Hour) })}, 0, 0},
		{"my own agent on another laptop", []ReplyClaim{bob(func(c *ReplyClaim) { c.Agent = "Anna@Example.test" })}, 0, 0},
		{"acknowledged", []ReplyClaim{bob(nil)}, 19, 0},
		{"an older one acknowledged, a newer one not", []ReplyClaim{bob(func(c *ReplyClaim) { c.UID = 12 }), bob(nil)}, 12, 19},
		{"the lowest of several", []ReplyClaim{bob(nil), bob(func(c *ReplyClaim) { c.UID, c.Agent = 15, "carl@example.test" })}, 0, 15},
		{"no view at all, both", []ReplyClaim{bob(func(c *ReplyClaim) { c.Seen, c.Articles = "", 0 })}, 0, 0},
		{"my earlier claim from this view keeps my place", []ReplyClaim{
			bob(func(c *ReplyClaim) { c.UID, c.Agent = 18, "anna@example.test" }), bob(nil)}, 0, 0},
		{"my earlier claim from another view does not", []ReplyClaim{
			bob(func(c *ReplyClaim) { c.UID, c.Agent, c.Articles = 18, "anna@example.test", 0 }), bob(nil)}, 0, 19},
		{"my earlier claim, expired, does not", []ReplyClaim{
			bob(func(c *ReplyClaim) { c.UID, c.Agent, c.At = 18, "anna@example.test", now.Add(-time.Hour) }), bob(nil)}, 0, 19},
		{"bob first, then my earlier claim, then bob again", []ReplyClaim{
			bob(func(c *ReplyClaim) { c.UID = 10 }), bob(func(c *ReplyClaim) { c.UID, c.Agent = 15, "anna@example.test" }), bob(nil)}, 0, 10},
		{"a claim without a UID", []ReplyClaim{bob(func(c *ReplyClaim) { c.UID = 0 })}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Blocking(mine, tc.acked, tc.others, now)
			if ok != (tc.want != 0) || (ok && got.UID != tc.want) {
				t.Fatalf("Blocking = %+v, %v; want UID %d", got, ok, tc.want)
			}
		})
	}
	empty := ReplyClaim{UID: 20, Root: "q@x", Agent: "anna@example.test"}
	if c, ok := Blocking(empty, 0, []ReplyClaim{{UID: 3, Root: "q@x", Agent: "bob@example.test", At: now}}, now); !ok || c.UID != 3 {
		t.Fatalf("two views without articles are the same view: %+v, %v", c, ok)
	}
	if _, ok := Blocking(ReplyClaim{Root: "q@x"}, 0, []ReplyClaim{bob(nil)}, now); ok {
		t.Fatal("mine without a UID (not read back) was blocked")
	}
}

func TestReplyClaimedNotice(t *testing.T) {
	for _, tc := range []struct {
		e    ReplyClaimedError
		want string
	}{
		{ReplyClaimedError{Claim: ReplyClaim{Agent: "bob@x"}, Name: "Bob", Ago: 3400 * time.Millisecond}, "Bob started sending an answer to this ticket 3 s ago."},
		{ReplyClaimedError{Claim: ReplyClaim{Agent: "bob@x"}, Ago: 125 * time.Second}, "bob@x started sending an answer to this ticket 2 min ago."},
		{ReplyClaimedError{Ago: -time.Second}, "Another agent started sending an answer to this ticket 0 s ago."},
	} {
		if got := tc.e.Notice(); got != tc.want {
			t.Errorf("Notice = %q, want %q", got, tc.want)
		}
	}
}
