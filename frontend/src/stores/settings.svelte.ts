import { settingsApi, toAppError, type SettingsApi } from '../api'
import type { AppError } from '../api/errors'
import type { SettingsView, UpdateIntegrationsRequest } from '../api/types'
import { on } from '../events'

/** The colour theme: 'system' follows prefers-color-scheme. */
export type Theme = 'system' | 'light' | 'dark'
export const THEMES: readonly Theme[] = ['system', 'light', 'dark']
const THEME_KEY = 'sealdesk.theme'

/** The theme the agent chose on this machine (a per-window preference, not profile data). */
export function readTheme(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Theme {
  try {
    const t = storage?.getItem(THEME_KEY)
    return THEMES.includes(t as Theme) ? (t as Theme) : 'system'
  } catch {
    return 'system' // storage can be unavailable; the system theme is a safe default
  }
}

/** Sets data-theme on <html>; styles.css overrides the colours for it. */
export function applyTheme(theme: Theme, root: HTMLElement | undefined = globalThis.document?.documentElement): void {
  if (!root) return
  if (theme === 'system') root.removeAttribute('data-theme')
  else root.setAttribute('data-theme', theme)
}

/** Settings and keychain state, kept in sync with Go's events. */
export class SettingsStore {
  view = $state<SettingsView | null>(null)
  error = $state<AppError | null>(null)
  saving = $state(false)
  theme = $state<Theme>('system')
  private unsubscribe: Array<() => void> = []

  constructor(
    private api: SettingsApi = settingsApi,
    private storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = globalThis.localStorage,
  ) {
    // The app builds this store at start-up: the chosen theme applies
    // before the first screen shows.
    this.theme = readTheme(storage)
    applyTheme(this.theme)
  }

  setTheme(theme: Theme): void {
    this.theme = theme
    applyTheme(theme)
    try {
      this.storage?.setItem(THEME_KEY, theme)
    } catch {
      // Not remembered across restarts, but applied now.
    }
  }

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

  /** Sets this laptop's agent identity (shown to the team on its records). */
  async setAgent(name: string, address: string): Promise<boolean> {
    this.saving = true
    try {
      this.view = await this.api.setAgent(name.trim(), address.trim())
      this.error = null
      return true
    } catch (e) {
      this.error = toAppError(e)
      return false
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
