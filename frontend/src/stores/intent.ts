// What the agent asked the composer to do. The ticket screens create one;
// App opens the composer with it.
export type ComposeMode = 'new' | 'reply' | 'reply-all' | 'forward'

export interface ComposeIntent {
  mode: ComposeMode
  /** The ticket the reply belongs to; absent for a new ticket. */
  ticketId?: number
  /** The article replied to or forwarded. */
  articleId?: number
  /** Addresses for a new message (a mailto: link in a mail). */
  to?: string[]
}

/** Screens of the main navigation. */
export type Screen = 'tickets' | 'certificates' | 'pgp' | 'pending' | 'groups' | 'accounts' | 'logs' | 'settings'
