// Fakes of the compose API for the composer's component and store tests.
import { vi } from 'vitest'
import type { CarriedFix, ComposeApi, ComposeChoice, ComposeChooseRequest, ComposeReadiness, DraftMessage } from '../../api/compose'
import type { Group } from '../../api/types'

export const groups: Group[] = [
  { id: 1, name: 'Support', sender_address: 'support@desk.test', default_sign: true, default_encrypt: true, technology: 'S/MIME', autocrypt: false },
  { id: 2, name: 'Sales', sender_address: 'sales@desk.test', default_sign: false, default_encrypt: false, technology: 'PGP', autocrypt: false },
]

export function draft(over: Partial<DraftMessage> = {}): DraftMessage {
  return {
    id: 0, mode: 'reply', ticket_id: 7, article_id: 3, group_id: 1, from: 'support@desk.test', to: ['Ann <ann@example.org>'], cc: [], bcc: [],
    subject: 'Re: Printer [Ticket#10007]', text: '\n\n> hi\n', sign: true, encrypt: true, technology: 'S/MIME',
    chosen: { technology: false, sign: false, encrypt: false }, keys: {}, attachments: [],
    seen: { ticket_id: 7, article_id: 3, history_id: 0, reply_uid: 0 }, in_reply_to: 'q@x', references: ['q@x'], updated_at: '', ...over,
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

/** A fix for Ann: by default the certificate her signed mail carried. */
export function carriedFix(over: Partial<CarriedFix> = {}): CarriedFix {
  return { address: 'ann@example.org', fingerprint: 'ab', subject: 'CN=Ann', not_after: '2027-01-01', article_id: 3, technology: 'S/MIME', kind: 'import', comment: '', ...over }
}

/** The OpenPGP key Ann's mail carried, waiting in the keys found in mail. */
export const carriedPGPKey = carriedFix({
  fingerprint: '0C90F9A4EA91C9B2518BE18CA334CF98A2EBD48A', subject: 'Ann <ann@example.org>', not_after: '', technology: 'PGP', kind: 'accept',
})

/** A different OpenPGP key for Ann than the one held: advice only. */
export const keyChange = carriedFix({
  ...carriedPGPKey, kind: 'review',
  comment: 'Their mail in this ticket carried a different OpenPGP key for ann@example.org than the one SealDesk holds. A changed key is never used without review: ask an administrator to check it with them and accept it under "Found in mail".',
})

/**
 * A choice that keeps the composer's values and judges them with
 * readiness (as Go's Choose does for a technology that can do it all).
 */
export function keepChoice(r: ComposeReadiness, req: ComposeChooseRequest, over: Partial<ComposeChoice> = {}): ComposeChoice {
  return {
    technology: req.technology, sign: req.sign, encrypt: req.encrypt, technology_why: 'group', technology_note: `${req.technology} is the group's technology.`,
    sign_held: false, encrypt_held: false, sign_note: '', encrypt_note: '', readiness: r, ...over,
  } as ComposeChoice
}

export function fakeApi(over: Partial<ComposeApi> = {}): ComposeApi {
  const api: ComposeApi = {
    readiness: vi.fn(async (req: { recipients: string[] }) => readiness(Object.fromEntries(req.recipients.map((r: string) => [r, ''])))),
    prepare: vi.fn(async () => draft()),
    contacts: vi.fn(async () => []),
    fixes: vi.fn(async () => []),
    importCarried: vi.fn(async () => ({ imported: [], skipped: [], keys: [], rechecked: 0 })),
    saveDraft: vi.fn(async (d) => ({ ...d, id: d.id || 41, updated_at: '2026-03-01T10:00:00Z' })),
    addAttachment: vi.fn(async (_draftId: number, name: string, content_type: string, data: string) => ({ id: 100 + data.length, name, content_type, size: atob(data).length })),
    removeAttachment: vi.fn(async () => {}),
    openDraft: vi.fn(async () => draft()),
    drafts: vi.fn(async () => []),
    deleteDraft: vi.fn(async () => {}),
    // Nothing happened to the ticket since the composer opened.
    meanwhile: vi.fn(async (seen) => ({ articles: [], changes: [], names: {}, now: seen })),
    send: vi.fn(async () => ({ id: 5, status: 'sent', sent_folder: 'Sent' }) as never),
    outbox: vi.fn(async () => []),
    retry: vi.fn(async () => ({}) as never),
    discard: vi.fn(async () => {}),
    // Go's Choose, by default: the composer's values kept, judged by this API's readiness.
    choose: vi.fn(async (req: ComposeChooseRequest) =>
      keepChoice(await api.readiness({ technology: req.technology, from: req.from, recipients: req.recipients, keys: req.keys }), req),
    ),
    ...over,
  }
  return api
}

/** The API of a PGP reply to Ann, who cannot be encrypted to (why), where the ticket's mail offers fix. */
export function pgpFixApi(why: string, fix: CarriedFix): ComposeApi {
  return fakeApi({
    prepare: vi.fn(async () => draft({ technology: 'PGP', encrypt: false })),
    readiness: vi.fn(async () => readiness({ 'ann@example.org': why }, { technology: 'PGP' })),
    fixes: vi.fn(async () => [fix]),
  })
}
