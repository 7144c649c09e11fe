import { demoApi, toAppError, type DemoApi } from '../api'
import type { AppError } from '../api/errors'
import type { DemoStatus } from '../api/types'

/**
 * The demo mailbox offered by the empty ticket list. Go sets up the account,
 * imports the demo keys and starts the sync; the tickets then arrive through
 * tickets:changed like any synced mail.
 */
export class DemoStore {
  status = $state<DemoStatus>({ running: false, account: '' })
  starting = $state(false)
  error = $state<AppError | null>(null)

  constructor(private api: DemoApi = demoApi) {}

  async start(): Promise<void> {
    if (this.starting || this.status.running) return
    this.starting = true
    this.error = null
    try {
      this.status = await this.api.start()
    } catch (e) {
      this.error = toAppError(e)
    } finally {
      this.starting = false
    }
  }
}
