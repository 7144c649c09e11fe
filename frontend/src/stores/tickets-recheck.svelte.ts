import { ticketsApi, toAppError, type TicketsApi } from '../api'
import type { AppError } from '../api/errors'
import { on } from '../events'

/**
 * The banner "N articles can be checked again now". An import re-runs the
 * failed articles itself (security/import.go) and reports how many
 * changed (articles:rechecked); the count asked from Go is of failed
 * articles judged before the newest certificate or key, which is 0 after
 * such a re-run unless it was interrupted. So the banner only offers what
 * can still make a difference.
 */
export class RecheckStore {
  count = $state(0)
  /** How many articles changed outcome in the last re-run, shown once. */
  changed = $state(0)
  running = $state(false)
  error = $state<AppError | null>(null)

  constructor(private api: Pick<TicketsApi, 'recheckable' | 'retryFailed'> = ticketsApi) {}

  async refresh(): Promise<void> {
    try {
      this.count = await this.api.recheckable()
    } catch (e) {
      this.error = toAppError(e)
    }
  }

  async retryAll(): Promise<void> {
    if (this.running) return
    this.running = true
    this.error = null
    try {
      this.changed = await this.api.retryFailed()
      this.count = await this.api.recheckable()
    } catch (e) {
      this.error = toAppError(e)
    } finally {
      this.running = false
    }
  }

  dismiss(): void {
    this.changed = 0
  }

  /** Subscribes to what can change the count; returns the unsubscribe. */
  listen(): () => void {
    const refresh = () => void this.refresh()
    const offs = [
      on('certificates:changed', refresh),
      on('pgpkeys:changed', refresh),
      on('pending:changed', refresh),
      on('articles:rechecked', (p) => {
        this.changed = p.changed
        refresh()
      }),
    ]
    return () => offs.forEach((off) => off())
  }
}
