// The ticket list and the ticket view. Mail content arrives as complete
// HTML documents (sanitized in Go, with a strict Content-Security-Policy)
// for a sandboxed iframe; attachments are saved through the native save
// dialog, their bytes never pass through the web view.
import type { app, mime, security, verdict } from '../wailsjs/go/models'
import * as TicketsBinding from '../wailsjs/go/app/Tickets'
import { call } from './errors'
import { TICKET_STATES, type TicketState } from './generated'
import type { Plain, Ticket, TicketPage, TicketQuery } from './types'

export type SecurityResult = Plain<verdict.Result>
export type SecurityCheck = Plain<verdict.Check>
export type Signer = Plain<verdict.Signer>
export type ChainLink = Plain<verdict.ChainLink>
export type Warning = Plain<security.Warning>
export type BandLabels = Plain<security.Labels>
export type MailAttachment = Plain<mime.Attachment>
export type ArticleSummary = Plain<app.ArticleView>['article']
export type ArticleView = Plain<app.ArticleView>
export type TicketView = Plain<app.TicketView>
export type ContentSection = Plain<app.ContentSection>
export type ArticleContent = Plain<app.ArticleContent>
export type MailLink = ContentSection['links'][number]
export type SaveAttachmentResult = Plain<app.SaveAttachmentResult>
/** A ticket after a change of state or owner (published to the team). */
export type TicketChange = Plain<app.TicketChange>
/** Our change lost to another agent's: told once. */
export type ConflictNotice = Plain<app.ConflictNotice>
/** This laptop's agent (me) and the team's agents. */
export type AgentList = Plain<app.AgentList>
export type Agent = AgentList['me']
/** One change of a ticket: who changed what, when. */
export type HistoryEntry = TicketView['history'][number]
/** The article a retry ran over, and its ticket's row for the list. */
export type RetryResult = Plain<app.RetryResult>
/** The ticket list's security filter (store.TicketQuery.security). */
export type SecurityFilter = '' | 'none' | 'signed' | 'encrypted' | 'failed' | 'pending'
// The states are store.TicketStates(), generated into ./generated.ts.
export type { TicketState }

/** The ticket state a string names (a select's value), or undefined. */
export function ticketState(v: string): TicketState | undefined {
  return TICKET_STATES.find((s) => s === v)
}

export interface TicketsApi {
  list(q: TicketQuery): Promise<TicketPage>
  get(id: number): Promise<TicketView>
  /** loadRemote: the agent's choice for this one message. */
  content(articleId: number, loadRemote: boolean): Promise<ArticleContent>
  saveAttachment(articleId: number, index: number): Promise<SaveAttachmentResult>
  /** Opens one of the article's web links in the system's browser. */
  openLink(articleId: number, url: string): Promise<void>
  /** Runs the security process over one article again: that article and its ticket's row come back, no event. */
  retry(articleId: number): Promise<RetryResult>
  /** until: a pending ticket's reminder date (YYYY-MM-DD), '' for none. */
  setState(id: number, state: TicketState, until?: string): Promise<TicketChange>
  /** agent: an address; '' unassigns. */
  assign(id: number, agent: string): Promise<TicketChange>
  agents(): Promise<AgentList>
  /** Notices not told yet (marks them told). */
  conflicts(): Promise<ConflictNotice[]>
  markRead(id: number, read: boolean): Promise<Ticket>
  /** Failed articles judged before the newest certificate or key. */
  recheckable(): Promise<number>
  /** Runs every failed article again; resolves to how many changed outcome. */
  retryFailed(): Promise<number>
}

export const ticketsApi: TicketsApi = {
  list: (q) => call(() => TicketsBinding.List(q)),
  get: (id) => call(() => TicketsBinding.Get({ id })),
  content: (article_id, load_remote) => call(() => TicketsBinding.Content({ article_id, load_remote })),
  saveAttachment: (article_id, index) => call(() => TicketsBinding.SaveAttachment({ article_id, index })),
  openLink: (article_id, url) => call(() => TicketsBinding.OpenLink({ article_id, url })),
  retry: (article_id) => call(() => TicketsBinding.Retry({ article_id })),
  setState: (id, state, until = '') => call(() => TicketsBinding.SetState({ id, state, until })),
  assign: (id, agent) => call(() => TicketsBinding.Assign({ id, agent })),
  agents: () => call(() => TicketsBinding.Agents()),
  conflicts: () => call(() => TicketsBinding.Conflicts()).then((r) => r.notices),
  markRead: (id, read) => call(() => TicketsBinding.MarkRead({ id, read })),
  recheckable: () => call(() => TicketsBinding.Recheckable()).then((r) => r.count),
  retryFailed: () => call(() => TicketsBinding.RetryFailed()).then((r) => r.changed),
}
