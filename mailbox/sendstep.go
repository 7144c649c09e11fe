package mailbox

// SendStep is one step of a send as the composer shows it (the payload of
// the app's send:progress event). Send reports the first three as they
// start (SendInput.Progress); the app reports StepChecking before them,
// while it looks for other answers to the ticket (Refresh, ClaimReply),
// and one of the last three as the outcome.
type SendStep string

const (
	StepChecking SendStep = "checking" // looking for other agents' answers (a reply on a ticket)
	StepSealing  SendStep = "sealing"
	StepQueued   SendStep = "queued"
	StepSending  SendStep = "sending"
	StepSaved    SendStep = "saved"  // sent, and the copy saved in Sent
	StepSent     SendStep = "sent"   // sent; the copy in Sent could not be saved
	StepFailed   SendStep = "failed" // not sent: it stays in the outbox, or (no outbox ID) was never queued
)

// SendSteps lists every send step in the order a send goes through them
// (the three outcomes last).
func SendSteps() []SendStep {
	return []SendStep{StepChecking, StepSealing, StepQueued, StepSending, StepSaved, StepSent, StepFailed}
}
