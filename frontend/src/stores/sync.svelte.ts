import { accountsApi, syncApi, toAppError, type AccountsApi, type SyncApi } from '../api'
import type { AppError } from '../api/errors'
import type { SyncProgress, SyncStatus } from '../api/types'
import { on as onEvent } from '../events'

type Subscribe = typeof onEvent

/** What the sync bar shows, derived from the sync state and progress. */
export type SyncView =
  | { kind: 'no-account' }
  | { kind: 'stopped' }
  | { kind: 'connecting' }
  | { kind: 'syncing'; progress: SyncProgress | null; percent: number | null }
  | { kind: 'idle' }
  | { kind: 'offline'; message: string }
  | { kind: 'error'; message: string }

/**
 * The background sync as the shell shows it: state from sync:state,
 * progress from the (throttled) sync:progress events, and whether the
 * machine itself has a network (navigator.onLine) for the offline
 * indicator.
 */
export class SyncStore {
  status = $state<SyncStatus>({ running: false, state: 'stopped', account: '', message: '', seq: 0 })
  progress = $state<SyncProgress | null>(null)
  networkUp = $state(true)
  /** Whether any mailbox account exists; null until known. */
  hasAccounts = $state<boolean | null>(null)
  error = $state<AppError | null>(null)

  constructor(
    private api: SyncApi = syncApi,
    private subscribe: Subscribe = onEvent,
    private accounts: Pick<AccountsApi, 'list'> = accountsApi,
  ) {}

  view: SyncView = $derived.by(() => this.toView())

  private toView(): SyncView {
    switch (this.status.state) {
      case 'connecting':
        return { kind: 'connecting' }
      case 'syncing': {
        const p = this.progress
        const percent = p && p.total > 0 ? Math.min(100, Math.round((p.done / p.total) * 100)) : null
        return { kind: 'syncing', progress: p, percent }
      }
      case 'idle':
        return { kind: 'idle' }
      case 'offline':
        return { kind: 'offline', message: this.status.message }
      case 'error':
        return { kind: 'error', message: this.status.message }
      default:
        return this.hasAccounts === false ? { kind: 'no-account' } : { kind: 'stopped' }
    }
  }

  /** Loads the state and follows it; returns the unsubscribe function. */
  listen(): () => void {
    void this.refresh()
    const offs = [
      this.subscribe('sync:state', (s) => {
        this.setStatus(s)
        if (s.state !== 'syncing') this.progress = null
      }),
      this.subscribe('sync:progress', (p) => (this.progress = p)),
      this.subscribe('accounts:changed', () => void this.refresh()),
    ]
    if (typeof window !== 'undefined') {
      this.networkUp = navigator.onLine
      const up = () => (this.networkUp = true)
      const down = () => (this.networkUp = false)
      window.addEventListener('online', up)
      window.addEventListener('offline', down)
      offs.push(() => {
        window.removeEventListener('online', up)
        window.removeEventListener('offline', down)
      })
    }
    return () => offs.forEach((off) => off())
  }

  /**
   * Keeps the newest state: the backend numbers every change (seq), and
   * an event or an answer that arrives after a newer one is dropped.
   */
  private setStatus(s: SyncStatus) {
    if (s.seq >= this.status.seq) this.status = s
  }

  async refresh(): Promise<void> {
    try {
      const [status, accounts] = await Promise.all([this.api.status(), this.accounts.list()])
      this.setStatus(status)
      this.hasAccounts = accounts.length > 0
    } catch (e) {
      this.error = toAppError(e)
    }
  }

  /** Starts (or restarts after an error) the sync of every account. */
  async start(): Promise<void> {
    this.error = null
    try {
      this.setStatus(await this.api.start(''))
    } catch (e) {
      this.error = toAppError(e)
    }
  }
}

/** "1 min 5 s", "12 s": a short remaining-time estimate. */
export function formatRemaining(seconds: number): string {
  if (!(seconds > 0)) return ''
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}
