// Fake facades and sample data for the admin stores' and screens' tests.
import { AppError } from '../../api/errors'
import type { Account, Certificate, Group, LogEntry, PendingKey, PGPKey } from '../../api/types'

export const NOW = new Date('2026-03-01T00:00:00Z')

export function cert(over: Partial<Certificate> = {}): Certificate {
  return {
    id: 1,
    fingerprint: 'AB'.repeat(32),
    subject: 'CN=Alice Example,O=Example',
    issuer: 'CN=Example CA',
    serial: '01',
    emails: ['alice@example.test'],
    not_before: '2025-01-01T00:00:00Z',
    not_after: '2027-01-01T00:00:00Z',
    is_ca: false,
    key_usage: [],
    ext_key_usage: [],
    has_private: false,
    created_at: '2026-01-01T00:00:00Z',
    expired: false,
    expires_soon: false,
    not_yet_valid: false,
    ...over,
  }
}

export function pgpKey(over: Partial<PGPKey> = {}): PGPKey {
  return {
    id: 1,
    fingerprint: '0123456789ABCDEF0123456789ABCDEF01234567',
    user_ids: ['Alice <alice@example.test>'],
    emails: ['alice@example.test'],
    algorithm: 'EdDSA',
    created: '2025-01-01T00:00:00Z',
    expires: '',
    revoked: false,
    has_secret: false,
    created_at: '2026-01-01T00:00:00Z',
    expired: false,
    expires_soon: false,
    ...over,
  }
}

export function pending(over: Partial<PendingKey> = {}): PendingKey {
  return {
    id: 1,
    technology: 'PGP',
    source: 'autocrypt',
    address: 'bob@example.test',
    fingerprint: 'FEDCBA9876543210FEDCBA9876543210FEDCBA98',
    label: 'Bob <bob@example.test>',
    article_id: 7,
    found_at: '2026-02-01T10:00:00Z',
    status: 'pending',
    key_change: false,
    replaces: '',
    warning: '',
    decided_at: '',
    seen: 1,
    finding: 'sender',
    ...over,
  }
}

export function group(over: Partial<Group> = {}): Group {
  return {
    id: 1,
    name: 'Support',
    sender_address: 'support@example.test',
    default_sign: true,
    default_encrypt: false,
    technology: 'S/MIME',
    autocrypt: false,
    ...over,
  }
}

export function account(over: Partial<Account> = {}): Account {
  return {
    id: 1,
    name: 'desk',
    imap_host: 'imap.example.test',
    imap_port: 993,
    imap_tls: 'implicit',
    smtp_host: 'smtp.example.test',
    smtp_port: 587,
    smtp_tls: 'starttls',
    no_team: false,
    username: 'desk@example.test',
    pinned_cert: '',
    smtp_pinned_cert: 'AA:BB',
    created_at: '',
    updated_at: '',
    ...over,
  }
}

export function logEntry(over: Partial<LogEntry> = {}): LogEntry {
  return {
    id: 1,
    at: '2026-02-01T10:00:00Z',
    direction: 'in',
    technology: 'S/MIME',
    operation: 'verify',
    status: 'success',
    article_id: 3,
    message_id: '<m1@example.test>',
    detail: 'Signed by Alice',
    ...over,
  }
}

/** A rejection as the Wails bridge delivers it: an Error around the JSON. */
export function goError(code: string, message: string): Error {
  return new Error(JSON.stringify({ code, message }))
}

export { AppError }
