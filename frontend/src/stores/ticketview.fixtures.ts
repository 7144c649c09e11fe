// Fixtures for the ticket view's tests (stores and components).
import { vi } from 'vitest'
import type { TicketsApi } from '../api'
import type { ArticleView, TicketChange, TicketView } from '../api/tickets'
import type { Ticket } from '../api/types'

export function ticket(over: Partial<Ticket> = {}): Ticket {
  return { id: 7, number: 10007, subject: 'Printer', state: 'open', group_id: 0, customer: 'alice@customer.test', unread: true, created_at: '', updated_at: '', security: 'failed', pending: false, owner: '', pending_until: '', ...over }
}

export function article(id: number, over: Partial<ArticleView> = {}): ArticleView {
  return {
    article: {
      id, message_id: `m${id}`, from: 'Alice <alice@customer.test>', to: 'help@desk.test', subject: 'Printer', date: '', direction: 'in', pending: false, expunged: false,
      security: { type: 'S/MIME', signed: true, encrypted: false, processed_at: '',
        sign: { success: false, comment: 'not trusted', signers: [{ subject: 'CN=Mallory', fingerprint: 'ab', emails: ['mallory@elsewhere.test'], valid: false, chain: [{ subject: 'CN=Other CA', fingerprint: 'cd', anchor: false }] }],
          checks: [{ kind: 'structure', name: 'structure', signer: 0, layer: 0, ok: true, detail: '' }, { kind: 'chain', name: 'chain', signer: 0, layer: 0, ok: false, detail: 'unknown authority', reason: 'untrusted_chain' }],
          reason: 'untrusted_chain' },
        encryption: { success: false, comment: '' } },
    },
    warnings: [{ kind: 'untrusted', title: 'The sender\'s certificate is not issued by a CA you trust', fix: 'Import the CA', retry: true }],
    band: { seal: 'Signer not trusted', lock: 'Not encrypted' },
    can_retry: true,
    ...over,
  } as ArticleView
}

export function change(t: Ticket, over: Partial<TicketChange> = {}): TicketChange {
  return { ticket: t, queued: false, message: '', conflicts: [], ...over }
}

export function fakeApi(over: Partial<TicketsApi> = {}): TicketsApi {
  const view: TicketView = { ticket: ticket(), articles: [article(1)], history: [] }
  return {
    list: vi.fn(),
    get: vi.fn(async () => structuredClone(view)),
    content: vi.fn(async (article_id: number, load_remote: boolean) => ({
      article_id, load_remote, remote_blocked: load_remote ? 0 : 2,
      sections: [{ origin: 'unprotected', label: '', document: '<!doctype html><p>hi</p>', remote_blocked: 2, notices: [], attachments: [{ index: 0, name: 'a.pdf', content_type: 'application/pdf', size: 2048, inline: false }],
        links: [
          { url: 'https://docs.example/manual', text: 'the manual', host: 'docs.example', warning: '' },
          { url: 'https://evil.example/login', text: 'https://bank.example', host: 'evil.example', warning: 'The text shows bank.example but the link opens evil.example.' },
          { url: 'mailto:billing@shop.example', text: 'billing', host: 'billing@shop.example', warning: '' },
        ] }],
    })),
    saveAttachment: vi.fn(async () => ({ path: '/tmp/a.pdf', cancelled: false })),
    openLink: vi.fn(async () => {}),
    retry: vi.fn(async (id: number) => ({ article: article(id, { can_retry: false, warnings: [] }), ticket: ticket({ security: 'signed', unread: false }) })),
    setState: vi.fn(async (id: number, state: string, until = '') => change(ticket({ id, state, pending_until: until, unread: false }))),
    assign: vi.fn(async (id: number, agent: string) => change(ticket({ id, owner: agent, unread: false }))),
    agents: vi.fn(async () => ({ me: { name: 'Anna', address: 'anna@desk.test' }, agents: [{ name: 'Bob', address: 'bob@desk.test' }] })),
    conflicts: vi.fn(async () => []),
    markRead: vi.fn(async (id: number) => ticket({ id, unread: false })),
    recheckable: vi.fn(async () => 0),
    retryFailed: vi.fn(async () => 0),
    ...over,
  }
}

