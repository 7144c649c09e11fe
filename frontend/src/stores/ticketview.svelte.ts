import { ticketsApi, toAppError, type TicketsApi } from '../api'
import type { AppError } from '../api/errors'
import type { AgentList, ArticleContent, ConflictNotice, TicketChange, TicketState, TicketView } from '../api/tickets'
import type { Ticket } from '../api/types'
import { on } from '../events'
import type { Outcome } from './admin/list.svelte'

/**
 * One open ticket: its articles, the content of each (loaded when its card
 * shows), the agent's per-message choice to load remote content, and the
 * actions on it. onTicket hears of every change to the ticket's row, so
 * the list can patch it without reloading.
 */
export class TicketViewStore {
  view = $state<TicketView | null>(null)
  loading = $state(false)
  error = $state<AppError | null>(null)
  /** Article IDs whose security details are expanded. */
  expanded = $state<Record<number, boolean>>({})
  contents = $state<Record<number, ArticleContent>>({})
  contentErrors = $state<Record<number, AppError>>({})
  busy = $state<Record<number, boolean>>({})
  /** What the last action did, for a status line. */
  notice = $state('')
  /** Who a ticket can be assigned to (loaded with the first ticket). */
  agents = $state<AgentList | null>(null)
  /** Our changes that lost to another agent's, until dismissed. */
  conflicts = $state<ConflictNotice[]>([])
  private current = 0

  constructor(
    private api: TicketsApi = ticketsApi,
    private onTicket: (t: Ticket) => void = () => {},
  ) {}

  get id(): number {
    return this.view?.ticket.id ?? 0
  }

  /** Opens a ticket and marks it read. */
  async open(id: number): Promise<void> {
    this.current = id
    this.loading = true
    this.error = null
    this.notice = ''
    this.expanded = {}
    this.contents = {}
    this.contentErrors = {}
    if (!this.agents) void this.loadAgents()
    try {
      const v = await this.api.get(id)
      if (this.current !== id) return // another ticket was opened meanwhile
      this.view = v
      if (v.ticket.unread) {
        const t = await this.api.markRead(id, true)
        if (this.view?.ticket.id === id) this.view = { ...this.view, ticket: t }
        this.onTicket(t)
      }
    } catch (e) {
      if (this.current === id) this.error = toAppError(e)
    } finally {
      if (this.current === id) this.loading = false
    }
  }

  /**
   * Reloads the open ticket (after a sync or a retry elsewhere), and the
   * agents: the records that brought another agent's change may have
   * brought their name too, and the history names them by it.
   */
  async reload(): Promise<void> {
    const id = this.id
    if (!id) return
    void this.loadAgents()
    try {
      const v = await this.api.get(id)
      if (this.id !== id) return
      this.view = v
      // Content may have changed (a retry decrypted it): load it again.
      for (const key of Object.keys(this.contents)) {
        const aid = Number(key)
        void this.loadContent(aid, this.contents[aid]?.load_remote ?? false)
      }
    } catch (e) {
      this.error = toAppError(e)
    }
  }

  close(): void {
    this.current = 0
    this.view = null
  }

  toggle(articleId: number): void {
    this.expanded = { ...this.expanded, [articleId]: !this.expanded[articleId] }
  }

  async loadContent(articleId: number, loadRemote = false): Promise<void> {
    try {
      const c = await this.api.content(articleId, loadRemote)
      this.contents = { ...this.contents, [articleId]: c }
      const { [articleId]: _, ...rest } = this.contentErrors
      this.contentErrors = rest
    } catch (e) {
      this.contentErrors = { ...this.contentErrors, [articleId]: toAppError(e) }
    }
  }

  /** The agent chose to load remote content for this message only. */
  loadRemote(articleId: number): Promise<void> {
    return this.loadContent(articleId, true)
  }

  async retry(articleId: number): Promise<void> {
    await this.run(articleId, async () => {
      // Only this article and the ticket's row come back (the security
      // summary may change): the rest of the ticket stays as shown.
      const { article: a, ticket } = await this.api.retry(articleId)
      this.onTicket(ticket)
      if (this.view?.ticket.id !== ticket.id) return
      const before = this.view.articles.find((x) => x.article.id === articleId)
      this.view = {
        ...this.view,
        ticket,
        articles: this.view.articles.map((x) => (x.article.id === articleId ? a : x)),
      }
      this.notice =
        before && !a.can_retry
          ? 'The security process succeeded this time.'
          : 'Checked again: the outcome is unchanged. See the warnings for what to fix first.'
      if (articleId in this.contents) await this.loadContent(articleId, this.contents[articleId].load_remote)
    })
  }

  /** until: a pending ticket's reminder date (YYYY-MM-DD), '' for none. */
  async setState(state: TicketState, until = ''): Promise<void> {
    const id = this.id
    if (!id) return
    await this.run(0, async () => this.applied(id, await this.api.setState(id, state, state === 'pending' ? until : '')))
  }

  /** Makes agent (an address) the owner; '' unassigns. */
  async assign(agent: string): Promise<void> {
    const id = this.id
    if (!id) return
    await this.run(0, async () => this.applied(id, await this.api.assign(id, agent)))
  }

  async assignToMe(): Promise<void> {
    const me = this.agents?.me.address
    if (!me) {
      this.notice = 'Set your agent name and address in Settings first.'
      return
    }
    await this.assign(me)
  }

  async loadAgents(): Promise<void> {
    try {
      this.agents = await this.api.agents()
    } catch {
      this.agents = null // the owner select just offers no one; tried again next open
    }
  }

  /** An agent's name for an address, else the address. */
  agentName(address: string): string {
    if (!address) return ''
    const a = this.agents
    if (a?.me.address === address) return a.me.name || address
    return a?.agents.find((x) => x.address === address)?.name || address
  }

  /** Notices from the running sync (team:conflicts) or left from before. */
  addConflicts(notices: ConflictNotice[]): void {
    if (notices.length === 0) return
    this.conflicts = [...this.conflicts, ...notices]
    if (notices.some((n) => n.ticket_id === this.id)) void this.reload()
  }

  dismissConflict(n: ConflictNotice): void {
    this.conflicts = this.conflicts.filter((c) => c !== n)
  }

  /** Starts listening to team:conflicts and picks up notices not told yet. */
  listen(): () => void {
    const off = on('team:conflicts', (p) => this.addConflicts(p.notices))
    this.api.conflicts().then(
      (n) => this.addConflicts(n),
      () => {}, // told with the next pass instead
    )
    return off
  }

  /** A change came back: show the ticket, its new history and any notice. */
  private async applied(id: number, ch: TicketChange): Promise<void> {
    this.onTicket(ch.ticket)
    this.notice = ch.queued ? ch.message : ''
    this.addConflicts(ch.conflicts)
    if (this.view?.ticket.id !== id) return
    this.view = { ...this.view, ticket: ch.ticket }
    const v = await this.api.get(id)
    if (this.view?.ticket.id === id) this.view = { ...this.view, ticket: v.ticket, history: v.history }
  }

  async saveAttachment(articleId: number, index: number): Promise<void> {
    await this.run(articleId, async () => {
      const r = await this.api.saveAttachment(articleId, index)
      this.notice = r.cancelled ? '' : `Saved to ${r.path}`
    })
  }

  /**
   * Opens a web link of an article in the system's browser; the agent
   * confirmed it after seeing where it goes. The backend opens only links
   * the article really contains.
   */
  async openLink(articleId: number, url: string): Promise<Outcome> {
    try {
      await this.api.openLink(articleId, url)
      return { ok: true, message: '' }
    } catch (e) {
      return { ok: false, error: toAppError(e) }
    }
  }

  private async run(key: number, fn: () => Promise<void>): Promise<void> {
    this.busy = { ...this.busy, [key]: true }
    this.error = null
    try {
      await fn()
    } catch (e) {
      this.error = toAppError(e)
    } finally {
      this.busy = { ...this.busy, [key]: false }
    }
  }
}
