import { settingsApi, toAppError, type SettingsApi } from '../api'
import type { AppError } from '../api/errors'
import type { SettingsView, UpdateIntegrationsRequest } from '../api/types'
import { on } from '../events'

/** Settings and keychain state, kept in sync with Go's events. */
export class SettingsStore {
  view = $state<SettingsView | null>(null)
  error = $state<AppError | null>(null)
  saving = $state(false)
  private unsubscribe: Array<() => void> = []

  constructor(private api: SettingsApi = settingsApi) {}

  async load(): Promise<void> {
    try {
      this.view = await this.api.get()
      this.error = null
    } catch (e) {
      this.error = toAppError(e)
    }
  }

  /** Starts listening to Go's events; returns the stop function. */
  listen(): () => void {
    this.unsubscribe.push(
      on('settings:changed', (v) => (this.view = v)),
      on('keychain:status', (k) => {
        if (this.view) this.view = { ...this.view, keychain: k }
      }),
    )
    return () => this.unsubscribe.splice(0).forEach((u) => u())
  }

  async update(req: UpdateIntegrationsRequest): Promise<void> {
    this.saving = true
    try {
      this.view = await this.api.updateIntegrations(req)
      this.error = null
    } catch (e) {
      this.error = toAppError(e)
    } finally {
      this.saving = false
    }
  }

  async recheckKeychain(): Promise<void> {
    try {
      const keychain = await this.api.checkKeychain()
      if (this.view) this.view = { ...this.view, keychain }
    } catch (e) {
      this.error = toAppError(e)
    }
  }
}
