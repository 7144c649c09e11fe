import { describe, expect, it, vi } from 'vitest'
import { AppError } from '../api/errors'
import type { Ticket } from '../api/types'
import { article, fakeApi, ticket } from './ticketview.fixtures'
import { TicketViewStore } from './ticketview.svelte'

describe('TicketViewStore', () => {
  it('opens a ticket, marks it read and tells the list', async () => {
    const api = fakeApi()
    const patched: Ticket[] = []
    const s = new TicketViewStore(api, (t) => patched.push(t))
    await s.open(7)
    expect(s.view?.articles).toHaveLength(1)
    expect(api.markRead).toHaveBeenCalledWith(7, true)
    expect(s.view?.ticket.unread).toBe(false)
    expect(patched.map((t) => t.unread)).toEqual([false])
  })

  it('keeps the last opened ticket when an earlier answer arrives late', async () => {
    let release!: () => void
    const slow = new Promise<void>((r) => (release = r))
    const api = fakeApi({
      get: vi.fn(async (id: number) => {
        if (id === 1) await slow
        return { ticket: ticket({ id, unread: false }), articles: [] }
      }),
    })
    const s = new TicketViewStore(api)
    const first = s.open(1)
    await s.open(2)
    release()
    await first
    expect(s.view?.ticket.id).toBe(2)
  })

  it('loads remote content only when asked, per message', async () => {
    const api = fakeApi()
    const s = new TicketViewStore(api)
    await s.open(7)
    await s.loadContent(1)
    expect(s.contents[1].remote_blocked).toBe(2)
    await s.loadRemote(1)
    expect(api.content).toHaveBeenLastCalledWith(1, true)
    expect(s.contents[1].load_remote).toBe(true)
  })

  it('replaces the article after a retry in place, patches the list row, and says what happened', async () => {
    const api = fakeApi({ get: vi.fn(async () => ({ ticket: ticket({ unread: false }), articles: [article(1), article(2)] })) })
    const patched: Ticket[] = []
    const s = new TicketViewStore(api, (t) => patched.push(t))
    await s.open(7)
    const other = s.view!.articles[1]
    await s.retry(1)
    expect(s.view?.articles[0].can_retry).toBe(false)
    expect(s.view?.articles[1]).toBe(other)
    expect(s.view?.ticket.security).toBe('signed')
    expect(patched.map((t) => t.security)).toEqual(['signed'])
    expect(api.get).toHaveBeenCalledTimes(1) // the ticket is not fetched again
    expect(s.notice).toMatch(/succeeded/)
  })

  it('shows an error a person can act on', async () => {
    const api = fakeApi({ setState: vi.fn(async () => Promise.reject(new AppError('invalid', 'a ticket is open, pending or closed'))) })
    const s = new TicketViewStore(api)
    await s.open(7)
    await s.setState('closed')
    expect(s.error?.message).toBe('a ticket is open, pending or closed')
    expect(s.busy[0]).toBe(false)
  })

  it('reports where an attachment was saved, and nothing when cancelled', async () => {
    const api = fakeApi()
    const s = new TicketViewStore(api)
    await s.open(7)
    await s.saveAttachment(1, 0)
    expect(s.notice).toBe('Saved to /tmp/a.pdf')
    api.saveAttachment = vi.fn(async () => ({ path: '', cancelled: true }))
    await s.saveAttachment(1, 0)
    expect(s.notice).toBe('')
  })
})
