// The words the agent reads for each value of a Go enum. The keys are the
// generated lists' types (./generated.ts), so a value added in Go is a type
// error here until it has its label.
import type { Technology, TicketState } from './generated'

export const TICKET_STATE_LABELS: Readonly<Record<TicketState, string>> = {
  open: 'Open',
  pending: 'Pending',
  closed: 'Closed',
}

export const TECHNOLOGY_LABELS: Readonly<Record<Technology, string>> = {
  'S/MIME': 'S/MIME',
  PGP: 'OpenPGP',
}
