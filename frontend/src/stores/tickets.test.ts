import { describe, expect, it, vi } from 'vitest'
import type { TicketsApi } from '../api'
import { AppError } from '../api/errors'
import type { Ticket, TicketQuery } from '../api/types'
import { OWNER_NONE, PAGE_SIZE, TicketListStore } from './tickets.svelte'

function fakeApi(total: number) {
  const calls: TicketQuery[] = []
  const api: Pick<TicketsApi, 'list'> = {
    list: vi.fn(async (q: TicketQuery) => {
      calls.push(q)
      const matching = q.search ? Math.min(3, total) : total
      const n = Math.max(0, Math.min(q.limit, matching - q.offset))
      const tickets: Ticket[] = Array.from({ length: n }, (_, i) => ({
        id: q.offset + i + 1,
        number: 10001 + q.offset + i,
        subject: `Ticket ${q.offset + i}`,
        state: 'open',
        group_id: 0,
        customer: '',
        unread: true,
        created_at: '',
        updated_at: '',
        security: 'none',
        pending: false,
        owner: '',
        pending_until: '',
      }))
      return { total: matching, tickets }
    }),
  }
  return { api, calls }
}

describe('TicketListStore', () => {
  it('loads the first page and reports the total', async () => {
    const { api, calls } = fakeApi(250)
    const s = new TicketListStore(api)
    await s.reload()
    expect(s.total).toBe(250)
    expect(s.at(0)?.number).toBe(10001)
    expect(s.at(PAGE_SIZE)).toBeUndefined()
    expect(calls).toHaveLength(1)
  })

  it('fetches each page once, however often rows in it are asked for', async () => {
    const { api, calls } = fakeApi(100_000)
    const s = new TicketListStore(api)
    await s.reload()
    await Promise.all([s.ensure(50_000, 50_040), s.ensure(50_010, 50_020), s.ensure(50_000, 50_099)])
    expect(calls.map((c) => c.offset)).toEqual([0, 50_000])
    expect(s.at(50_039)?.number).toBe(10001 + 50_039)
  })

  it('does not ask for pages past the end', async () => {
    const { api, calls } = fakeApi(120)
    const s = new TicketListStore(api)
    await s.reload()
    await s.ensure(0, 1000)
    expect(calls.map((c) => c.offset)).toEqual([0, 100])
  })

  it('drops results of a superseded filter', async () => {
    const { api } = fakeApi(250)
    const s = new TicketListStore(api)
    await s.reload()
    await s.setFilter({ search: 'x' })
    expect(s.total).toBe(3)
    expect(s.filter.search).toBe('x')
  })

  it('keeps the error and retries the page later', async () => {
    let fail = true
    const api: Pick<TicketsApi, 'list'> = {
      list: async () => {
        if (fail) throw new AppError('internal', 'database is locked')
        return { total: 0, tickets: [] }
      },
    }
    const s = new TicketListStore(api)
    await s.reload()
    expect(s.error?.message).toBe('database is locked')
    fail = false
    await s.ensure(0, 0)
    expect(s.error).toBeNull()
    expect(s.loaded).toBe(true)
  })
})

describe('TicketListStore filters', () => {
  it('sends every filter and patches a loaded row in place', async () => {
    const { api, calls } = fakeApi(5)
    const s = new TicketListStore(api)
    await s.setFilter({ security: 'failed', group_id: 2, unread: true })
    expect(calls.at(-1)).toMatchObject({ security: 'failed', group_id: 2, unread: true, search: '', state: '', offset: 0 })
    const t = s.at(1)!
    s.patch({ ...t, unread: false })
    expect(s.at(1)?.unread).toBe(false)
    expect(s.at(0)?.unread).toBe(true)
  })

  it('filters by owner: an agent, or the unassigned ones', async () => {
    const { api, calls } = fakeApi(5)
    const s = new TicketListStore(api)
    await s.setFilter({ owner: OWNER_NONE })
    await s.setFilter({ owner: 'bob@desk.test' })
    expect(calls.map((c) => c.owner)).toEqual([OWNER_NONE, 'bob@desk.test'])
    expect(calls[1].state).toBe('')
  })
})
