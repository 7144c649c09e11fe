// Notes shown as chips next to a certificate or key, computed at a given
// time so that tests can fix the clock.
import type { Certificate, PGPKey } from '../../api/types'

export type NoteTone = 'ok' | 'warn' | 'bad' | 'info'
export interface Note {
  label: string
  tone: NoteTone
}

/** How early a certificate or key is flagged as expiring (as in Go: 30 days). */
export const EXPIRY_WARNING_MS = 30 * 24 * 60 * 60 * 1000

function expiry(end: string, now: Date): Note | null {
  if (!end) return null
  const t = new Date(end).getTime()
  if (Number.isNaN(t)) return null
  if (t <= now.getTime()) return { label: 'Expired', tone: 'bad' }
  if (t - now.getTime() < EXPIRY_WARNING_MS) return { label: 'Expires within 30 days', tone: 'warn' }
  return null
}

export function certificateNotes(c: Certificate, now: Date): Note[] {
  const notes: Note[] = []
  if (c.has_private) notes.push({ label: 'Private key', tone: 'ok' })
  // Trusted directly: for its own addresses, never as a CA, whatever it says.
  if (c.trusted_directly) notes.push({ label: 'Trusted directly', tone: 'ok' })
  else if (c.is_ca) notes.push({ label: 'CA', tone: 'info' })
  const nb = new Date(c.not_before).getTime()
  if (!Number.isNaN(nb) && nb > now.getTime()) notes.push({ label: 'Not yet valid', tone: 'warn' })
  const e = expiry(c.not_after, now)
  if (e) notes.push(e)
  if (c.team_removed) notes.push(teamRemovedChip)
  return notes
}

export function pgpKeyNotes(k: PGPKey, now: Date): Note[] {
  const notes: Note[] = []
  if (k.has_secret) notes.push({ label: 'Secret key', tone: 'ok' })
  if (k.revoked) notes.push({ label: 'Revoked', tone: 'bad' })
  const e = expiry(k.expires, now)
  if (e) notes.push(e)
  if (k.team_removed) notes.push(teamRemovedChip)
  return notes
}

/**
 * A team member removed this key on their laptop; it stays in use here
 * until an admin removes it. The sentence (team_removed.note) is the Go
 * side's (security/wording.go) and shows beside the chips.
 */
const teamRemovedChip: Note = { label: 'Removed by the team', tone: 'warn' }

/** The clock the stores use unless a test hands them another. */
export function currentTime(): Date {
  return new Date()
}
