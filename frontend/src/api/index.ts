// The typed facade over the generated Wails bindings. Components and stores
// import from here, never from src/wailsjs directly, so the bindings can be
// regenerated (and faked in tests) in one place.
import * as AccountsBinding from '../wailsjs/go/app/Accounts'
import * as CertificatesBinding from '../wailsjs/go/app/Certificates'
import * as DemoBinding from '../wailsjs/go/app/Demo'
import * as GroupsBinding from '../wailsjs/go/app/Groups'
import * as LogsBinding from '../wailsjs/go/app/Logs'
import * as PendingKeysBinding from '../wailsjs/go/app/PendingKeys'
import * as PGPKeysBinding from '../wailsjs/go/app/PGPKeys'
import * as SettingsBinding from '../wailsjs/go/app/Settings'
import * as SyncBinding from '../wailsjs/go/app/Sync'
import { call } from './errors'
import type {
  Account,
  Certificate,
  ConnectionResult,
  DemoStatus,
  ExportPrivateKeyResult,
  Group,
  ImportResult,
  KeychainStatus,
  LogEntry,
  LogQuery,
  PendingKey,
  PendingResult,
  PGPImportResult,
  PGPKey,
  SaveAccountRequest,
  SelfSignedAnswer,
  SettingsView,
  SyncStatus,
  TrustResult,
  UpdateIntegrationsRequest,
} from './types'

export interface SettingsApi {
  get(): Promise<SettingsView>
  updateIntegrations(req: UpdateIntegrationsRequest): Promise<SettingsView>
  checkKeychain(): Promise<KeychainStatus>
  /** This laptop's agent identity on the team desk. */
  setAgent(name: string, address: string): Promise<SettingsView>
}

export interface GroupsApi {
  list(): Promise<Group[]>
  save(g: Group): Promise<Group>
  remove(id: number): Promise<void>
}

export interface LogsApi {
  list(q: LogQuery): Promise<LogEntry[]>
}

// Key material only goes in: exportPrivateKey saves to a file the agent
// picks in a native dialog and resolves to its path.
export interface CertificatesApi {
  list(): Promise<Certificate[]>
  /**
   * data: PEM text, or base64 of a binary file (DER, .p7b). selfSigned:
   * '' asks (nothing is stored while a self-signed certificate naming an
   * address is in it: the result's needs_choice lists them), 'contact'
   * (trusted for its own addresses only) or 'ca' (trusted as a CA).
   */
  importCertificates(data: string, fileName: string, selfSigned?: SelfSignedAnswer): Promise<ImportResult>
  /** Trusts a certificate for its own addresses (not as a CA), or stops. */
  trust(fingerprint: string, on: boolean): Promise<TrustResult>
  /** data: PEM text, or base64 of a binary file (.p12, DER key). */
  importPrivateKey(data: string, fileName: string, passphrase: string): Promise<ImportResult>
  remove(fingerprint: string): Promise<void>
  exportCertificate(fingerprint: string): Promise<string>
  exportPrivateKey(fingerprint: string, passphrase: string): Promise<ExportPrivateKeyResult>
}

// Secret keys only go in: exportSecret saves to a file the agent picks in a
// native dialog (protected by the passphrase set in the export dialog) and
// resolves to its path.
export interface PGPKeysApi {
  list(): Promise<PGPKey[]>
  /** data: armored text, or base64 of a binary key file; passphrase: '' for public keys. */
  importKeys(data: string, fileName: string, passphrase: string): Promise<PGPImportResult>
  remove(fingerprint: string): Promise<void>
  exportPublic(fingerprint: string): Promise<string>
  exportSecret(fingerprint: string, passphrase: string): Promise<ExportPrivateKeyResult>
}

// Keys and certificates found in received mail, waiting for the agent.
export interface PendingKeysApi {
  list(): Promise<PendingKey[]>
  accept(id: number): Promise<PendingResult>
  reject(id: number): Promise<PendingKey>
}

export const settingsApi: SettingsApi = {
  get: () => call(() => SettingsBinding.Get()),
  updateIntegrations: (req) => call(() => SettingsBinding.UpdateIntegrations(req)),
  checkKeychain: () => call(() => SettingsBinding.CheckKeychain()),
  setAgent: (name, address) => call(() => SettingsBinding.SetAgent({ name, address })),
}

export const groupsApi: GroupsApi = {
  list: () => call(() => GroupsBinding.List()),
  save: (g) => call(() => GroupsBinding.Save(g)),
  remove: (id) => call(() => GroupsBinding.Delete({ id })),
}

export const logsApi: LogsApi = {
  list: (q) => call(() => LogsBinding.List(q)),
}

export const certificatesApi: CertificatesApi = {
  list: () => call(() => CertificatesBinding.List()),
  importCertificates: (data, file_name, self_signed = '') =>
    call(() => CertificatesBinding.ImportCertificates({ data, file_name, self_signed })),
  trust: (fingerprint, on) => call(() => CertificatesBinding.Trust({ fingerprint, on })),
  importPrivateKey: (data, file_name, passphrase) =>
    call(() => CertificatesBinding.ImportPrivateKey({ data, file_name, passphrase })),
  remove: (fingerprint) => call(() => CertificatesBinding.Delete({ fingerprint })),
  exportCertificate: (fingerprint) => call(() => CertificatesBinding.ExportCertificate({ fingerprint })),
  exportPrivateKey: (fingerprint, passphrase) =>
    call(() => CertificatesBinding.ExportPrivateKey({ fingerprint, passphrase })),
}

export const pgpKeysApi: PGPKeysApi = {
  list: () => call(() => PGPKeysBinding.List()),
  importKeys: (data, file_name, passphrase) => call(() => PGPKeysBinding.Import({ data, file_name, passphrase })),
  remove: (fingerprint) => call(() => PGPKeysBinding.Delete({ fingerprint })),
  exportPublic: (fingerprint) => call(() => PGPKeysBinding.ExportPublic({ fingerprint })),
  exportSecret: (fingerprint, passphrase) => call(() => PGPKeysBinding.ExportSecret({ fingerprint, passphrase })),
}

export const pendingKeysApi: PendingKeysApi = {
  list: () => call(() => PendingKeysBinding.List()),
  accept: (id) => call(() => PendingKeysBinding.Accept({ id })),
  reject: (id) => call(() => PendingKeysBinding.Reject({ id })),
}

// The composer: src/api/compose.ts.
export * from './compose'

// Mailbox accounts. The password only goes in: list() never returns one,
// and save() with an empty password keeps the stored one.
export interface AccountsApi {
  list(): Promise<Account[]>
  save(req: SaveAccountRequest): Promise<Account>
  remove(name: string): Promise<void>
  /** Rejects with code auth_failed, certificate_untrusted (the message names the fingerprint to pin), unreachable or invalid. */
  testConnection(name: string): Promise<ConnectionResult>
}

export const accountsApi: AccountsApi = {
  list: () => call(() => AccountsBinding.List()),
  save: (req) => call(() => AccountsBinding.Save(req)),
  remove: (name) => call(() => AccountsBinding.Delete({ name })),
  testConnection: (name) => call(() => AccountsBinding.TestConnection({ name })),
}

// The background sync; progress arrives as sync:progress and sync:state events.
export interface SyncApi {
  /** account: '' syncs every account. */
  start(account: string): Promise<SyncStatus>
  stop(): Promise<SyncStatus>
  status(): Promise<SyncStatus>
}

export const syncApi: SyncApi = {
  start: (account) => call(() => SyncBinding.Start({ account })),
  stop: () => call(() => SyncBinding.Stop({})),
  status: () => call(() => SyncBinding.Status()),
}

// The demo mailbox: a loopback IMAP server with seeded mail, its account,
// keys and sync set up by Go. Offered only while no account exists.
export interface DemoApi {
  /** Rejects with code account_exists when the profile has an account. */
  start(): Promise<DemoStatus>
  status(): Promise<DemoStatus>
}

export const demoApi: DemoApi = {
  start: () => call(() => DemoBinding.Start({})),
  status: () => call(() => DemoBinding.Status()),
}

export { AppError, toAppError } from './errors'
export * from './tickets' // the ticket list and view
export * from './admin' // admin screens: downloads through the native save dialog
export * from './bundles' // export for a colleague, keys from your team
// The Go enums' lists (generated) and the words shown for their values.
export {
  TICKET_STATES,
  TECHNOLOGIES,
  TECHNOLOGY_SHORT,
  OUTBOX_STATUSES,
  SEND_STEPS,
  ERROR_CODES,
  EVENT_NAMES,
  type Technology,
  type OutboxStatus,
  type EventName,
  type ErrorCode,
} from './generated'
export * from './labels'
export type * from './types'
