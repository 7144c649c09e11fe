import { AppError, toAppError } from '../../api'

/** What an action left to say: a success (message, '' when cancelled) or the failure as Go phrased it. */
export type Outcome = { ok: true; message: string } | { ok: false; error: AppError }

/**
 * A list loaded from Go plus the actions on it. Every action reloads the
 * list when it is done: the change events only arrive inside the window.
 */
export abstract class ListStore<T> {
  items = $state<T[]>([])
  loaded = $state(false)
  /** A failed load; action failures go back to the caller instead. */
  error = $state<AppError | null>(null)
  /** The last success, for a status line. */
  notice = $state('')
  busy = $state(false)

  protected abstract fetch(): Promise<T[]>

  async load(): Promise<void> {
    try {
      this.items = (await this.fetch()) ?? []
      this.error = null
    } catch (e) {
      this.error = humane(e)
    } finally {
      this.loaded = true
    }
  }

  protected async run(action: () => Promise<string>): Promise<Outcome> {
    this.busy = true
    try {
      const message = await action()
      this.notice = message
      await this.load()
      return { ok: true, message }
    } catch (e) {
      return { ok: false, error: humane(e) }
    } finally {
      this.busy = false
    }
  }
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

export function sentence(parts: string[], empty: string): string {
  const s = parts.length ? parts.join(', ') : empty
  return s[0].toUpperCase() + s.slice(1) + '.'
}

/**
 * Go may send an empty slice as null, and array-likes may arrive where the
 * types say arrays. This gives a real array either way.
 */
export function arr<T>(x: ArrayLike<T> | null | undefined): T[] {
  return Array.from(x ?? [])
}

/**
 * Go phrases expected failures for a person already. An unexpected one
 * (code internal) carries a bare error: say what to do with it.
 */
export function humane(e: unknown): AppError {
  const err = toAppError(e)
  if (err.code !== 'internal') return err
  return new AppError('internal', `SealDesk could not finish this (${err.message}). Try again; if it keeps failing, restart SealDesk.`)
}
