// Fakes of the compose API for the composer's component and store tests.
import { vi } from 'vitest'
import type { ComposeApi, ComposeReadiness, DraftMessage } from '../../api/compose'
import type { Group } from '../../api/types'

export const groups: Group[] = [
  { id: 1, name: 'Support', sender_address: 'support@desk.test', default_sign: true, default_encrypt: true, technology: 'S/MIME', autocrypt: false },
  { id: 2, name: 'Sales', sender_address: 'sales@desk.test', default_sign: false, default_encrypt: false, technology: 'PGP', autocrypt: false },
]

export function draft(over: Partial<DraftMessage> = {}): DraftMessage {
  return {
    id: 0, mode: 'reply', ticket_id: 7, article_id: 3, group_id: 1, from: 'support@desk.test', to: ['Ann <ann@example.org>'], cc: [], bcc: [],
    subject: 'Re: Printer [Ticket#10007]', text: '\n\n> hi\n', sign: true, encrypt: true, technology: 'S/MIME', keys: {}, attachments: [],
    in_reply_to: 'q@x', references: ['q@x'], updated_at: '', ...over,
  }
}

const ok = { ok: true, reason: '', comment: '', key: 'aa', candidates: [] }
export function readiness(rcpts: Record<string, string>, over: Partial<ComposeReadiness> = {}): ComposeReadiness {
  const recipients = Object.entries(rcpts).map(([address, why]) => (why ? { ...ok, address, ok: false, reason: 'no_certificate', comment: why, key: '' } : { ...ok, address }))
  return {
    technology: 'S/MIME', enabled: true, can_sign: true, can_encrypt: recipients.every((r) => r.ok), sign: { ...ok, address: 'support@desk.test' },
    recipients, ...over,
  } as ComposeReadiness
}

export function fakeApi(over: Partial<ComposeApi> = {}): ComposeApi {
  return {
    readiness: vi.fn(async (req: { recipients: string[] }) => readiness(Object.fromEntries(req.recipients.map((r: string) => [r, ''])))),
    prepare: vi.fn(async () => draft()),
    contacts: vi.fn(async () => []),
    fixes: vi.fn(async () => []),
    importCarried: vi.fn(async () => ({ imported: [], skipped: [], keys: [], rechecked: 0 })),
    saveDraft: vi.fn(async (d) => ({ ...d, id: d.id || 41, updated_at: '2026-03-01T10:00:00Z' })),
    openDraft: vi.fn(async () => draft()),
    drafts: vi.fn(async () => []),
    deleteDraft: vi.fn(async () => {}),
    send: vi.fn(async () => ({ id: 5, status: 'sent', sent_folder: 'Sent' }) as never),
    outbox: vi.fn(async () => []),
    retry: vi.fn(async () => ({}) as never),
    discard: vi.fn(async () => {}),
    ...over,
  }
}

