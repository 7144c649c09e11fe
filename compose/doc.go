// Package compose holds the composer's rules, for the desktop app's
// Compose service (app/) and `sealctl send` alike, so that both decide the
// same way and the rules are tested once without a window:
//
//   - Prefill: a new message for an intent (new, reply, reply-all,
//     forward): the group it is sent from, recipients, subject with the
//     ticket marker, quote, threading.
//   - Choose: the technology and the Sign and Encrypt toggles for the
//     recipients: what the agent set by hand (Chosen) is kept; else the
//     answered mail's technology when it can do what the group asks for
//     every recipient, else the group's, else the one that can; a group
//     default that cannot be met starts off, with its reason, and never
//     blocks a send the agent did not choose (the Zammad admin docs:
//     "signed and encrypted by default, assuming the required
//     certificates exist").
//   - Drafts: a draft kept sealed with the profile's store key, bound to
//     its row.
//   - Meanwhile: no double answers. A draft keeps how far its ticket went
//     when it opened (Seen); before Send, another agent's answer or change
//     of state or owner since must be acknowledged (Since, CheckSend).
//   - Reply claims: two agents pressing Send on one ticket at once. Each
//     writes a reply claim to the team folder just before sending; of
//     two from the same view the lower UID goes first and the other must
//     acknowledge it (Blocking, Seen.ReplyUID; docs/team.md).
//
// Readiness itself (who can be signed as and encrypted to) is
// security.Sealing's; this package asks it through Judge, over the same
// addresses sealing uses (the recipients and the sender).
package compose
