import { ticketsApi, toAppError, type TicketsApi } from '../api'
import { OWNER_NONE } from '../api/generated'
import type { AppError } from '../api/errors'
import type { Ticket, TicketQuery } from '../api/types'

export const PAGE_SIZE = 100

/** The list's filters; zero values mean any (see store.TicketQuery). */
/** owner: an agent's address, or OWNER_NONE for the unassigned tickets. */
export type Filter = Pick<TicketQuery, 'search' | 'state' | 'group_id' | 'security' | 'unread' | 'owner'>
export { OWNER_NONE }

/**
 * The ticket list as a sparse window over the whole result: pages of
 * PAGE_SIZE rows are fetched when they scroll into view and kept, so a list
 * of 100,000 tickets costs one Go call per visible page, never one per row.
 */
export class TicketListStore {
  total = $state(0)
  loaded = $state(false)
  error = $state<AppError | null>(null)
  filter = $state<Filter>({ search: '', state: '', group_id: 0, security: '', unread: false, owner: '' })
  private rows = $state<Record<number, Ticket>>({})
  private pages = new Map<number, Promise<void>>()
  private generation = 0

  constructor(private api: Pick<TicketsApi, 'list'> = ticketsApi) {}

  /** The ticket at index i, or undefined while its page is loading. */
  at(i: number): Ticket | undefined {
    return this.rows[i]
  }

  /** Replaces a loaded row (after a state change or a read mark). */
  patch(t: Ticket): void {
    for (const [i, row] of Object.entries(this.rows)) {
      if (row.id === t.id) this.rows = { ...this.rows, [i]: t }
    }
  }

  /** Applies a new filter and reloads from the first page. */
  async setFilter(f: Partial<Filter>): Promise<void> {
    this.filter = { ...this.filter, ...f }
    await this.reload()
  }

  async reload(): Promise<void> {
    this.generation++
    this.pages.clear()
    this.rows = {}
    this.loaded = false
    await this.ensure(0, 0)
  }

  /** Makes sure rows first..last are loaded (or loading). */
  async ensure(first: number, last: number): Promise<void> {
    const wanted: Promise<void>[] = []
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) {
      if (this.loaded && p * PAGE_SIZE >= this.total) break
      let pending = this.pages.get(p)
      if (!pending) {
        pending = this.fetch(p)
        this.pages.set(p, pending)
      }
      wanted.push(pending)
    }
    await Promise.all(wanted)
  }

  private async fetch(page: number): Promise<void> {
    const gen = this.generation
    try {
      const res = await this.api.list({ ...this.filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
      if (gen !== this.generation) return // a newer filter replaced this one
      const next = { ...this.rows }
      res.tickets.forEach((t, i) => (next[page * PAGE_SIZE + i] = t))
      this.rows = next
      this.total = res.total
      this.loaded = true
      this.error = null
    } catch (e) {
      this.pages.delete(page)
      this.error = toAppError(e)
    }
  }
}
