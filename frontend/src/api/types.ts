// Plain data shapes shared with Go. They mirror the generated models
// (src/wailsjs/go/models.ts) without their classes, so stores and tests can
// build them as object literals.
import type { app, mailbox, security, store } from '../wailsjs/go/models'
import type { SelfSignedChoice, TicketState } from './generated'

/**
 * A generated model as plain data: its fields without its methods, nested
 * models plain too. Arrays stay arrays (of plain elements), so their
 * methods type-check. The one definition for every api/ facade.
 */
export type Plain<T> = T extends readonly (infer U)[]
  ? Plain<U>[]
  : T extends object
    ? { [K in keyof T as T[K] extends Function ? never : K]: Plain<T[K]> }
    : T

export type SettingsView = Plain<app.SettingsView>
export type KeychainStatus = Plain<app.KeychainStatus>
export type UpdateIntegrationsRequest = Plain<app.UpdateIntegrationsRequest>
export type Ticket = Plain<store.Ticket>
// The models spell enum fields as string; a request's are narrowed to the
// generated list's values ('' is any state).
export type TicketQuery = Omit<Plain<store.TicketQuery>, 'state'> & { state: TicketState | '' }
export type TicketPage = { total: number; tickets: Ticket[] }
export type Group = Plain<store.Group>
export type LogEntry = Plain<store.LogEntry>
export type LogQuery = Plain<store.LogQuery>
export type Certificate = Plain<security.Certificate>
export type ImportResult = Plain<security.ImportResult>
export type TrustResult = Plain<security.TrustResult>
/** What a self-signed certificate naming an address is (Go security.SelfSigned); '' asks. */
export type SelfSignedAnswer = SelfSignedChoice | ''
export type ExportPrivateKeyResult = Plain<app.ExportPrivateKeyResult>
export type PGPKey = Plain<security.PGPKey>
export type PGPImportResult = Plain<security.PGPImportResult>
export type PendingKey = Plain<store.PendingKey>
export type PendingResult = Plain<security.PendingResult>
// The articles:rechecked payload (Tickets.RetryFailed returns it too).
export type ArticlesRechecked = Plain<app.ArticlesRechecked>
export type Readiness = Plain<security.Readiness>
export type AddressStatus = Plain<security.AddressStatus>
export type ReadinessRequest = Plain<app.ReadinessRequest>
export type Account = Plain<store.Account>
export type SaveAccountRequest = Plain<app.SaveAccountRequest>
export type ConnectionResult = Plain<app.ConnectionResult>
export type SyncStatus = Plain<app.SyncStatus>
export type DemoStatus = Plain<app.DemoStatus>
// The team:conflicts payload: changes of ours that lost to another agent's.
export type TeamConflicts = Plain<app.TeamConflicts>
// Event payload only (not in the generated models): mirrors app.SyncProgress.
export type SyncProgress = {
  account: string
  mailbox: string
  done: number
  total: number
  /** messages per second */
  rate: number
  /** estimate to finish the pass; 0 if unknown */
  remaining_seconds: number
}
// Export for a colleague and the bundles colleagues left in the team folder.
export type ExportBundleResult = Plain<app.ExportBundleResult>
// `at` is a Go time.Time, generated as any: an RFC 3339 string.
export type TeamBundle = Omit<Plain<mailbox.TeamBundle>, 'at'> & { at: string }
export type AccountBundles = { account: string; bundles: TeamBundle[] }
export type BundleImport = Omit<Plain<mailbox.BundleImport>, 'bundle'> & { bundle: TeamBundle }
