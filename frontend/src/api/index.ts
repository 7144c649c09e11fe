// The typed facade over the generated Wails bindings. Components and stores
// import from here, never from src/wailsjs directly, so the bindings can be
// regenerated (and faked in tests) in one place.
import * as GroupsBinding from '../wailsjs/go/app/Groups'
import * as LogsBinding from '../wailsjs/go/app/Logs'
import * as SettingsBinding from '../wailsjs/go/app/Settings'
import * as TicketsBinding from '../wailsjs/go/app/Tickets'
import { call } from './errors'
import type {
  Group,
  KeychainStatus,
  LogEntry,
  LogQuery,
  SettingsView,
  TicketPage,
  TicketQuery,
  UpdateIntegrationsRequest,
} from './types'

export interface SettingsApi {
  get(): Promise<SettingsView>
  updateIntegrations(req: UpdateIntegrationsRequest): Promise<SettingsView>
  checkKeychain(): Promise<KeychainStatus>
}

export interface TicketsApi {
  list(q: TicketQuery): Promise<TicketPage>
}

export interface GroupsApi {
  list(): Promise<Group[]>
  save(g: Group): Promise<Group>
  remove(id: number): Promise<void>
}

export interface LogsApi {
  list(q: LogQuery): Promise<LogEntry[]>
}

export const settingsApi: SettingsApi = {
  get: () => call(() => SettingsBinding.Get()),
  updateIntegrations: (req) => call(() => SettingsBinding.UpdateIntegrations(req as never)),
  checkKeychain: () => call(() => SettingsBinding.CheckKeychain()),
}

export const ticketsApi: TicketsApi = {
  list: (q) => call(() => TicketsBinding.List(q as never)),
}

export const groupsApi: GroupsApi = {
  list: () => call(() => GroupsBinding.List()),
  save: (g) => call(() => GroupsBinding.Save(g as never)),
  remove: (id) => call(() => GroupsBinding.Delete({ id } as never)),
}

export const logsApi: LogsApi = {
  list: (q) => call(() => LogsBinding.List(q as never)),
}

export { AppError, toAppError } from './errors'
export type * from './types'
