// Typed events from Go. The names are app.Events(), generated into
// api/generated.ts; each has its payload type here (the check below fails
// to compile while one is missing or left over). Components subscribe with
// on() and call the returned function when they are destroyed.
import { EventsOn } from './wailsjs/runtime/runtime'
import type { SendProgress } from './api/compose'
import type { EventName } from './api/generated'
import type { ArticlesRechecked, KeychainStatus, SettingsView, SyncProgress, SyncStatus, TeamConflicts } from './api/types'

export interface EventPayloads {
  'settings:changed': SettingsView
  'keychain:status': KeychainStatus
  'certificates:changed': Record<string, never>
  'pgpkeys:changed': Record<string, never>
  'pending:changed': Record<string, never>
  'articles:rechecked': ArticlesRechecked
  'sync:progress': SyncProgress
  'sync:state': SyncStatus
  'tickets:changed': Record<string, never>
  'accounts:changed': Record<string, never>
  'outbox:changed': Record<string, never>
  'send:progress': SendProgress
  'team:conflicts': TeamConflicts
}

export type { EventName }

// Compiles only while EventPayloads names exactly the generated events.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const payloadsCoverEvents: Same<keyof EventPayloads, EventName> = true
void payloadsCoverEvents

type Subscribe = (name: string, cb: (...data: unknown[]) => void) => () => void

let subscribe: Subscribe = (name, cb) => {
  // Outside the Wails window (unit tests) there is no runtime to listen to.
  if (typeof window === 'undefined' || !(window as { runtime?: unknown }).runtime) return () => {}
  return EventsOn(name, cb)
}

/** Subscribes to one event; returns the unsubscribe function. */
export function on<N extends EventName>(name: N, cb: (payload: EventPayloads[N]) => void): () => void {
  return subscribe(name, (payload) => cb(payload as EventPayloads[N]))
}

/** Replaces the transport, for tests. */
export function setEventTransport(fn: Subscribe): void {
  subscribe = fn
}
