import { accountsApi, type AccountsApi, type AppError } from '../../api'
import type { Account, SaveAccountRequest } from '../../api/types'
import { on } from '../../events'
import { humane, ListStore, type Outcome } from './list.svelte'

export type TLSMode = 'implicit' | 'starttls' | 'none'

/** The account form. password is sent once and never shown back; '' keeps the stored one. */
export interface AccountForm {
  name: string
  imap_host: string
  imap_port: string
  imap_tls: TLSMode
  smtp_host: string
  smtp_port: string
  smtp_tls: TLSMode
  username: string
  password: string
  pinned_cert: string
  smtp_pinned_cert: string
  /** Team records: share ticket numbers, state and owner with the other agents on this mailbox. */
  team: boolean
}

export const emptyAccountForm = (): AccountForm => ({
  name: '',
  imap_host: '',
  imap_port: '993',
  imap_tls: 'implicit',
  smtp_host: '',
  smtp_port: '587',
  smtp_tls: 'starttls',
  username: '',
  password: '',
  pinned_cert: '',
  smtp_pinned_cert: '',
  team: true,
})

export function formFromAccount(a: Account): AccountForm {
  return {
    name: a.name,
    imap_host: a.imap_host,
    imap_port: String(a.imap_port || ''),
    imap_tls: (a.imap_tls || 'implicit') as TLSMode,
    smtp_host: a.smtp_host,
    smtp_port: a.smtp_host ? String(a.smtp_port || '') : '587',
    smtp_tls: (a.smtp_tls || 'starttls') as TLSMode,
    username: a.username,
    password: '',
    pinned_cert: a.pinned_cert,
    smtp_pinned_cert: a.smtp_pinned_cert,
    team: !a.no_team,
  }
}

/** host:port as Go parses it (net.SplitHostPort): an IPv6 literal goes in brackets. */
export function hostPort(host: string, port: string): string {
  host = host.trim()
  port = port.trim()
  if (!host) return ''
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`
  return port ? `${host}:${port}` : host
}

export function requestFromForm(f: AccountForm): SaveAccountRequest {
  return {
    name: f.name.trim(),
    imap: hostPort(f.imap_host, f.imap_port),
    imap_tls: f.imap_tls,
    smtp: hostPort(f.smtp_host, f.smtp_port),
    smtp_tls: f.smtp_tls,
    username: f.username.trim(),
    password: f.password,
    pinned_cert: f.pinned_cert.trim(),
    smtp_pinned_cert: f.smtp_pinned_cert.trim(),
    no_team: !f.team,
  }
}

/** The SHA-256 fingerprint a certificate_untrusted message names (the server's, not the old pin). */
export function fingerprintIn(message: string): string {
  return message.match(/\b[0-9A-F]{2}(?::[0-9A-F]{2}){31}\b/i)?.[0] ?? ''
}

export type TestResult =
  | { ok: true; message: string }
  | { ok: false; error: AppError; /** set when the server's certificate can be pinned */ fingerprint: string }

/** Mailbox accounts. Passwords only go in. */
export class AccountsStore extends ListStore<Account> {
  testing = $state('')

  constructor(private api: AccountsApi = accountsApi) {
    super()
  }

  protected fetch(): Promise<Account[]> {
    return this.api.list()
  }

  listen(): () => void {
    return on('accounts:changed', () => void this.load())
  }

  save(form: AccountForm): Promise<Outcome> {
    const req = requestFromForm(form)
    return this.run(async () => {
      const saved = await this.api.save(req)
      return `Saved the account ${saved.name}.`
    })
  }

  remove(a: Account): Promise<Outcome> {
    return this.run(async () => {
      await this.api.remove(a.name)
      return `Deleted the account ${a.name}. Its tickets stay.`
    })
  }

  async test(name: string): Promise<TestResult> {
    this.testing = name
    try {
      await this.api.testConnection(name)
      return { ok: true, message: `Logged in to the IMAP server of ${name}.` }
    } catch (e) {
      const error = humane(e)
      return { ok: false, error, fingerprint: error.code === 'certificate_untrusted' ? fingerprintIn(error.message) : '' }
    } finally {
      this.testing = ''
    }
  }

  /** Pins the IMAP server's certificate (the password stays as stored), then tests again. */
  async trust(a: Account, fingerprint: string): Promise<TestResult> {
    const saved = await this.save({ ...formFromAccount(a), pinned_cert: fingerprint })
    if (!saved.ok) return { ok: false, error: saved.error, fingerprint: '' }
    return this.test(a.name)
  }
}
