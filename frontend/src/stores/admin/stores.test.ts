import { describe, expect, it, vi } from 'vitest'
import type { AccountsApi, GroupsApi, PendingKeysApi } from '../../api'
import type { Certificate, Group, LogQuery, SaveAccountRequest } from '../../api/types'
import { setEventTransport } from '../../events'
import { AccountsStore, fingerprintIn, formFromAccount, hostPort, requestFromForm } from './accounts.svelte'
import { CertificatesStore, describeImport, type CertificatesStoreApi } from './certificates.svelte'
import { groupFingerprint, isArmoredText, readUpload, toBase64 } from './files'
import { account, cert, goError, group, logEntry, NOW, pending, pgpKey } from './fixtures.test-helpers'
import { GroupsStore } from './groups.svelte'
import { LogsStore, type LogsStoreApi } from './logs.svelte'
import { certificateNotes, pgpKeyNotes } from './notes'
import { PendingStore } from './pending.svelte'
import { describePGPImport } from './pgpkeys.svelte'

const labels = (notes: { label: string }[]) => notes.map((n) => n.label)

describe('notes', () => {
  it('flags a private key, a CA, expiry and soon-expiry from the dates', () => {
    expect(labels(certificateNotes(cert({ has_private: true }), NOW))).toEqual(['Private key'])
    expect(labels(certificateNotes(cert({ is_ca: true, not_after: '2026-01-01T00:00:00Z' }), NOW))).toEqual(['CA', 'Expired'])
    expect(labels(certificateNotes(cert({ not_after: '2026-03-20T00:00:00Z' }), NOW))).toEqual(['Expires within 30 days'])
    expect(labels(certificateNotes(cert({ not_after: '2026-04-01T00:00:00Z' }), NOW))).toEqual([])
    expect(labels(certificateNotes(cert({ not_before: '2026-06-01T00:00:00Z' }), NOW))).toEqual(['Not yet valid'])
    // Trusted directly: for its own addresses, never shown (or used) as a CA.
    expect(labels(certificateNotes(cert({ is_ca: true, trusted_directly: true }), NOW))).toEqual(['Trusted directly'])
    expect(labels(pgpKeyNotes(pgpKey({ has_secret: true, revoked: true, expires: '2026-03-02T00:00:00Z' }), NOW))).toEqual([
      'Secret key',
      'Revoked',
      'Expires within 30 days',
    ])
    expect(labels(pgpKeyNotes(pgpKey({ expires: '' }), NOW))).toEqual([])
  })
})

describe('uploads', () => {
  it('sends PEM as text and binary as base64', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    expect(await readUpload(new File([pem], 'a.pem'))).toEqual({ data: pem, fileName: 'a.pem' })
    const der = new Uint8Array([0x30, 0x82, 0x01, 0x0a, 0xff, 0x00])
    expect(await readUpload(new File([der], 'a.der'))).toEqual({ data: 'MIIBCv8A', fileName: 'a.der' })
    expect(isArmoredText(new TextEncoder().encode('just text'))).toBe(false)
    expect(toBase64(new Uint8Array(70000).fill(65)).length).toBe(93336)
    expect(groupFingerprint('0123456789abcdef')).toBe('0123 4567 89AB CDEF')
  })
})

function fakeCerts(list: Certificate[]) {
  const api: CertificatesStoreApi = {
    list: vi.fn(async () => list),
    importCertificates: vi.fn(async () => ({ imported: [list[0]], skipped: [], keys: [], rechecked: 2 })),
    importPrivateKey: vi.fn(async () => Promise.reject(goError('wrong_passphrase', 'The passphrase does not open alice.p12'))),
    remove: vi.fn(async () => {}),
    exportCertificate: vi.fn(async () => ''),
    exportPrivateKey: vi.fn(async () => ({ path: '', cancelled: true })),
    saveCertificate: vi.fn(async () => '/home/a/alice.pem'),
    trust: vi.fn(async () => ({ certificate: list[0], rechecked: 0 })),
  }
  return api
}

describe('CertificatesStore', () => {
  it('lists with notes, imports, and keeps the passphrase out of its state', async () => {
    const api = fakeCerts([cert({ has_private: true })])
    const s = new CertificatesStore(api, () => NOW)
    await s.load()
    expect(s.rows[0].notes.map((n) => n.label)).toEqual(['Private key'])
    const ok = await s.importCertificates('PEM', 'a.pem')
    expect(ok).toEqual({ ok: true, message: 'Imported 1 certificate. 2 stored articles were checked again.' })
    expect(s.notice).toBe(ok.ok && ok.message)
    const bad = await s.importPrivateKey('b64', 'alice.p12', 'secret')
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.error.code).toBe('wrong_passphrase')
    expect(!bad.ok && bad.error.message).toBe('The passphrase does not open alice.p12')
    expect(api.importPrivateKey).toHaveBeenCalledWith('b64', 'alice.p12', 'secret')
    expect(await s.download(s.items[0])).toEqual({ ok: true, message: 'Saved the certificate to /home/a/alice.pem.' })
    expect(await s.exportPrivateKey(s.items[0], 'pw')).toEqual({ ok: true, message: '' })
  })

  it('holds a self-signed certificate’s import until the admin says what it is (issue 14)', async () => {
    const dan = cert({ subject: 'CN=Dan', emails: ['dan@example.test'], is_ca: true })
    const api = fakeCerts([])
    api.importCertificates = vi.fn(async (_d: string, _f: string, choice?: string) =>
      choice ? { imported: [{ ...dan, trusted_directly: choice === 'contact' }], skipped: [], keys: [], rechecked: 0 } : { imported: [], skipped: [], keys: [], rechecked: 0, needs_choice: [dan] },
    )
    const s = new CertificatesStore(api, () => NOW)
    expect(await s.importCertificates('PEM', 'dan.pem')).toEqual({ ok: true, message: '' })
    expect(s.question?.certificates.map((c) => c.subject)).toEqual(['CN=Dan'])
    expect(await s.answer('contact')).toEqual({ ok: true, message: 'Imported 1 certificate.' })
    expect(api.importCertificates).toHaveBeenLastCalledWith('PEM', 'dan.pem', 'contact')
    expect(s.question).toBeNull()
    await s.importCertificates('PEM', 'dan.pem')
    expect(await s.answer(null)).toEqual({ ok: true, message: '' })
    expect(api.importCertificates).toHaveBeenCalledTimes(3) // ask, answer, ask again: Cancel imports nothing
    expect(await s.setTrust(dan, true)).toEqual({ ok: true, message: 'Dan is trusted for dan@example.test, not as a CA.' })
    expect(api.trust).toHaveBeenCalledWith(dan.fingerprint, true)
  })

  it('words an import result and a duplicate', () => {
    expect(describeImport({ imported: [], skipped: [cert()], keys: ['x'], rechecked: 0 })).toBe(
      'Stored 1 private key in the keychain, 1 certificate was already present.',
    )
    expect(describeImport({ imported: null as never, skipped: null as never, keys: null as never, rechecked: 0 })).toBe('Nothing new.')
  })

  it('says what to do with an unexpected failure and reloads on its event', async () => {
    const handlers = new Map<string, (p: unknown) => void>()
    setEventTransport((name, cb) => (handlers.set(name, cb), () => handlers.delete(name)))
    const api = fakeCerts([])
    api.list = vi.fn(async () => Promise.reject(goError('internal', 'disk I/O error')))
    const s = new CertificatesStore(api)
    const stop = s.listen()
    handlers.get('certificates:changed')!({})
    await vi.waitFor(() => expect(s.error).not.toBeNull())
    expect(s.error!.message).toMatch(/^SealDesk could not finish this \(disk I\/O error\)\. Try again/)
    stop()
    expect(handlers.size).toBe(0)
  })
})

describe('describePGPImport', () => {
  it('names merges, secret keys and warnings', () => {
    const k = pgpKey()
    expect(
      describePGPImport({ imported: [], merged: [{ key: k, added: '1 new user ID' }], unchanged: [], secret: [k.fingerprint], warnings: ['The key expires soon.'], rechecked: 0 }),
    ).toBe('Added 1 new user ID to Alice <alice@example.test>, stored 1 secret key in the keychain. The key expires soon.')
  })
})

describe('PendingStore', () => {
  it('counts, sorts key changes first, and accepts', async () => {
    const items = [pending({ id: 1 }), pending({ id: 2, key_change: true, found_at: '2026-01-01T00:00:00Z' })]
    const api: PendingKeysApi = {
      list: vi.fn(async () => items),
      accept: vi.fn(async () => ({ pending: items[0], rechecked: 1 })),
      reject: vi.fn(async () => items[0]),
    }
    const s = new PendingStore(api)
    await s.load()
    expect(s.count).toBe(2)
    expect(s.sorted.map((k) => k.id)).toEqual([2, 1])
    expect(await s.accept(items[0])).toEqual({ ok: true, message: 'Accepted the OpenPGP key for bob@example.test. 1 stored article was checked again.' })
    expect(api.accept).toHaveBeenCalledWith(1)
  })
})

describe('GroupsStore', () => {
  it('trims, drops Autocrypt for S/MIME, and returns Go’s validation message', async () => {
    const saved: Group[] = []
    const api: GroupsApi = {
      list: async () => saved,
      save: async (g) => {
        if (!g.sender_address.includes('@')) throw goError('invalid', `"${g.sender_address}" is not an e-mail address`)
        saved.push(g)
        return g
      },
      remove: async () => {},
    }
    const s = new GroupsStore(api)
    const res = await s.save(group({ id: 0, name: ' Sales ', autocrypt: true }))
    expect(res).toEqual({ ok: true, message: 'Created the group Sales.' })
    expect(saved[0]).toMatchObject({ name: 'Sales', autocrypt: false })
    expect(s.items).toHaveLength(1)
    const bad = await s.save(group({ sender_address: 'nope' }))
    expect(!bad.ok && bad.error.message).toBe('"nope" is not an e-mail address')
  })
})

describe('AccountsStore', () => {
  it('builds host:port requests and keeps both pins on an edit', () => {
    expect(hostPort('::1', '993')).toBe('[::1]:993')
    expect(hostPort(' imap.x ', '')).toBe('imap.x')
    const req = requestFromForm({ ...formFromAccount(account()), password: '' })
    expect(req).toEqual<SaveAccountRequest>({
      name: 'desk',
      imap: 'imap.example.test:993',
      imap_tls: 'implicit',
      smtp: 'smtp.example.test:587',
      smtp_tls: 'starttls',
      username: 'desk@example.test',
      password: '',
      pinned_cert: '',
      smtp_pinned_cert: 'AA:BB',
      no_team: false,
    })
  })

  it('offers the fingerprint of an untrusted server and pins it', async () => {
    const fp = Array(32).fill('3F').join(':')
    let pinned = ''
    const saves: SaveAccountRequest[] = []
    const api: AccountsApi = {
      list: async () => [account({ pinned_cert: pinned })],
      save: async (req) => {
        saves.push(req)
        pinned = req.pinned_cert
        return account({ pinned_cert: pinned })
      },
      remove: async () => {},
      testConnection: async () => {
        if (pinned !== fp) throw goError('certificate_untrusted', `TLS verification of imap.example.test:993 failed (x509: unknown authority); if you trust this server, check and pin its certificate SHA-256 fingerprint ${fp}`)
        return { ok: true }
      },
    }
    const s = new AccountsStore(api)
    await s.load()
    const first = await s.test('desk')
    expect(first.ok).toBe(false)
    expect(!first.ok && first.fingerprint).toBe(fp)
    const second = await s.trust(s.items[0], fp)
    expect(second.ok).toBe(true)
    expect(saves[0]).toMatchObject({ pinned_cert: fp, password: '', smtp_pinned_cert: 'AA:BB' })
    expect(fingerprintIn('has SHA-256 fingerprint ' + fp + ', not the pinned ' + fp.replace(/3F/g, '00'))).toBe(fp)
  })
})

describe('LogsStore', () => {
  it('filters through Go and exports the filter without its limit', async () => {
    const queries: LogQuery[] = []
    const api: LogsStoreApi = {
      list: async (q) => (queries.push(q), [logEntry()]),
      exportLog: vi.fn(async () => '/tmp/log.csv'),
    }
    const s = new LogsStore(api)
    await s.setFilter({ direction: 'out', status: 'failed' })
    expect(queries.at(-1)).toMatchObject({ direction: 'out', status: 'failed', limit: 200 })
    await s.exportAs('csv')
    expect(api.exportLog).toHaveBeenCalledWith(expect.objectContaining({ direction: 'out', status: 'failed', limit: 0 }), 'csv')
    expect(s.notice).toBe('Exported the log to /tmp/log.csv.')
  })

  it('keeps only the answer to the latest query', async () => {
    const resolvers: Array<(v: ReturnType<typeof logEntry>[]) => void> = []
    const api: LogsStoreApi = { list: () => new Promise((r) => resolvers.push(r)), exportLog: async () => '' }
    const s = new LogsStore(api)
    const a = s.setFilter({ search: 'a' })
    const b = s.setFilter({ search: 'ab' })
    resolvers[1]([logEntry({ id: 2 })])
    resolvers[0]([logEntry({ id: 1 })])
    await Promise.all([a, b])
    expect(s.entries.map((e) => e.id)).toEqual([2])
  })
})
