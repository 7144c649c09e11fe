import { logExportApi, logsApi, type AppError, type LogExportApi, type LogExportFormat, type LogsApi } from '../../api'
import type { LogEntry, LogQuery } from '../../api/types'
import { on } from '../../events'
import { humane } from './list.svelte'

export type LogsStoreApi = LogsApi & LogExportApi
const defaultApi: LogsStoreApi = { ...logsApi, ...logExportApi }

export const emptyLogQuery = (): LogQuery => ({ direction: '', technology: '', operation: '', status: '', search: '', limit: 200 })

/**
 * Recent Logs: every sign, verify, encrypt and decrypt. The filter is the
 * query Go runs; export writes what it matches through a native save dialog.
 */
export class LogsStore {
  entries = $state<LogEntry[]>([])
  query = $state<LogQuery>(emptyLogQuery())
  loaded = $state(false)
  error = $state<AppError | null>(null)
  notice = $state('')
  busy = $state(false)
  private seq = 0

  constructor(private api: LogsStoreApi = defaultApi) {}

  async load(): Promise<void> {
    // Only the answer to the latest query counts (the search is typed).
    const seq = ++this.seq
    try {
      const entries = await this.api.list($state.snapshot(this.query))
      if (seq !== this.seq) return
      this.entries = entries ?? []
      this.error = null
    } catch (e) {
      if (seq === this.seq) this.error = humane(e)
    } finally {
      this.loaded = true
    }
  }

  setFilter(patch: Partial<LogQuery>): Promise<void> {
    this.query = { ...this.query, ...patch }
    return this.load()
  }

  /** New entries come with received mail (tickets:changed) and re-checks; sending has no event: Refresh. */
  listen(): () => void {
    const stops = [on('tickets:changed', () => void this.load()), on('articles:rechecked', () => void this.load())]
    return () => stops.forEach((s) => s())
  }

  async exportAs(format: LogExportFormat): Promise<void> {
    this.busy = true
    try {
      const path = await this.api.exportLog({ ...$state.snapshot(this.query), limit: 0 }, format)
      this.notice = path ? `Exported the log to ${path}.` : ''
      this.error = null
    } catch (e) {
      this.error = humane(e)
    } finally {
      this.busy = false
    }
  }
}
