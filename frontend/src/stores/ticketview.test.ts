import { describe, expect, it, vi } from 'vitest'
import { AppError } from '../api/errors'
import type { Ticket } from '../api/types'
import { setEventTransport } from '../events'
import { article, change, fakeApi, ticket } from './ticketview.fixtures'
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
        return { ticket: ticket({ id, unread: false }), articles: [], history: [] }
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
    const api = fakeApi({ get: vi.fn(async () => ({ ticket: ticket({ unread: false }), articles: [article(1), article(2)], history: [] })) })
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

  it('sets state with a reminder date and assigns through the team path, then shows the history', async () => {
    const history = [{ field: 'state', value: 'pending until 2031-05-06', agent: 'anna@desk.test', at: '2026-06-02T10:00:00Z', outcome: 'applied' }]
    const api = fakeApi()
    const patched: Ticket[] = []
    const s = new TicketViewStore(api, (t) => patched.push(t))
    await s.open(7)
    api.get = vi.fn(async () => ({ ticket: ticket({ state: 'pending', pending_until: '2031-05-06', unread: false }), articles: [article(1)], history }))
    await s.setState('pending', '2031-05-06')
    expect(api.setState).toHaveBeenCalledWith(7, 'pending', '2031-05-06')
    expect(s.view?.ticket.pending_until).toBe('2031-05-06')
    expect(s.view?.history).toEqual(history)
    expect(s.view?.articles).toHaveLength(1)
    // A reminder date goes only with pending.
    await s.setState('open', '2031-05-06')
    expect(api.setState).toHaveBeenLastCalledWith(7, 'open', '')
    await s.assignToMe()
    expect(api.assign).toHaveBeenLastCalledWith(7, 'anna@desk.test')
    await s.assign('')
    expect(api.assign).toHaveBeenLastCalledWith(7, '')
    expect(patched.map((t) => t.owner).slice(-2)).toEqual(['anna@desk.test', ''])
    expect(s.agentName('bob@desk.test')).toBe('Bob')
    expect(s.agentName('anna@desk.test')).toBe('Anna')
    expect(s.agentName('carl@desk.test')).toBe('carl@desk.test')
  })

  it("names an agent whose record arrived after the ticket opened once the view reloads", async () => {
    const api = fakeApi({ agents: vi.fn(async () => ({ me: { name: 'Anna', address: 'anna@desk.test' }, agents: [] })) })
    const s = new TicketViewStore(api)
    await s.open(7)
    await vi.waitFor(() => expect(s.agents).not.toBeNull())
    expect(s.agentName('bob@desk.test')).toBe('bob@desk.test')
    vi.mocked(api.agents).mockResolvedValue({ me: { name: 'Anna', address: 'anna@desk.test' }, agents: [{ name: 'Bob', address: 'bob@desk.test' }] })
    await s.reload() // tickets:changed after a team pass
    await vi.waitFor(() => expect(s.agentName('bob@desk.test')).toBe('Bob'))
  })

  it('says where "Assign to me" needs an agent identity first', async () => {
    const api = fakeApi({ agents: vi.fn(async () => ({ me: { name: '', address: '' }, agents: [] })) })
    const s = new TicketViewStore(api)
    await s.open(7)
    await s.loadAgents()
    await s.assignToMe()
    expect(api.assign).not.toHaveBeenCalled()
    expect(s.notice).toMatch(/Settings/)
  })

  it('says a queued change goes out with the next sync', async () => {
    const api = fakeApi({ setState: vi.fn(async () => change(ticket({ state: 'closed', unread: false }), { queued: true, message: 'Saved here; the team sees it after the next sync (offline).' })) })
    const s = new TicketViewStore(api)
    await s.open(7)
    await s.setState('closed')
    expect(s.notice).toMatch(/next sync/)
  })

  it('shows conflict notices from a change, from the running sync and left from before, each until dismissed', async () => {
    const notice = (n: number, ticket_id = 7) => ({
      ticket_id, number: n, field: 'state', mine: 'open', winner_value: 'closed', winner_agent: 'bob@desk.test', winner_name: 'Bob',
      winner_at: '2026-06-02T10:00:00Z', message: 'Bob closed this ticket 10 s ago; your change was not applied.',
    })
    const handlers = new Map<string, (p: unknown) => void>()
    setEventTransport((name, cb) => {
      handlers.set(name, cb)
      return () => handlers.delete(name)
    })
    const api = fakeApi({
      conflicts: vi.fn(async () => [notice(10001, 1)]),
      setState: vi.fn(async () => change(ticket({ state: 'closed', unread: false }), { conflicts: [notice(10007)] })),
    })
    const s = new TicketViewStore(api)
    const stop = s.listen()
    await s.open(7)
    expect(s.conflicts.map((c) => c.number)).toEqual([10001])
    api.get = vi.fn(async () => ({ ticket: ticket({ state: 'closed', unread: false }), articles: [], history: [] }))
    await s.setState('open')
    expect(s.view?.ticket.state).toBe('closed')
    handlers.get('team:conflicts')!({ notices: [notice(10009, 9)] })
    expect(s.conflicts.map((c) => c.number)).toEqual([10001, 10007, 10009])
    s.dismissConflict(s.conflicts[0])
    expect(s.conflicts.map((c) => c.number)).toEqual([10007, 10009])
    stop()
    expect(handlers.size).toBe(0)
  })
})
