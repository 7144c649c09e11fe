import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { GroupsApi, PendingKeysApi } from '../../api'
import type { Certificate, Group, PGPKey } from '../../api/types'
import { AccountsStore } from '../../stores/admin/accounts.svelte'
import { CertificatesStore, type CertificatesStoreApi } from '../../stores/admin/certificates.svelte'
import { account, cert, goError, logEntry, NOW, pending, pgpKey } from '../../stores/admin/fixtures.test-helpers'
import { GroupsStore } from '../../stores/admin/groups.svelte'
import { LogsStore, type LogsStoreApi } from '../../stores/admin/logs.svelte'
import { PendingStore } from '../../stores/admin/pending.svelte'
import { PGPKeysStore, type PGPKeysStoreApi } from '../../stores/admin/pgpkeys.svelte'
import AccountsScreen from './AccountsScreen.svelte'
import CertificatesScreen from './CertificatesScreen.svelte'
import GroupsScreen from './GroupsScreen.svelte'
import LogsScreen from './LogsScreen.svelte'
import PendingScreen from './PendingScreen.svelte'
import PGPKeysScreen from './PGPKeysScreen.svelte'

afterEach(cleanup)

function certApi(list: Certificate[]): CertificatesStoreApi {
  return {
    list: vi.fn(async () => list),
    importCertificates: vi.fn(async () => Promise.reject(goError('duplicate', 'Nothing new: CN=Alice Example is already present'))),
    importPrivateKey: vi.fn(async () => ({ imported: [], skipped: [], keys: ['AB'], rechecked: 0 })),
    remove: vi.fn(async () => {}),
    exportCertificate: vi.fn(async () => ''),
    exportPrivateKey: vi.fn(async () => ({ path: '/home/a/alice.key.pem', cancelled: false })),
    saveCertificate: vi.fn(async () => ''),
    trust: vi.fn(async () => ({ certificate: list[0], rechecked: 0 })),
  }
}

function pgpApi(list: PGPKey[]): PGPKeysStoreApi {
  return {
    list: async () => list,
    importKeys: async () => ({ imported: [], merged: [], unchanged: [], secret: [], warnings: [], rechecked: 0 }),
    remove: async () => {},
    exportPublic: async () => '',
    exportSecret: async () => ({ path: '', cancelled: true }),
    savePublic: async () => '',
  }
}

describe('CertificatesScreen', () => {
  it('lists notes, shows the backend’s duplicate error and clears the passphrase after a key import', async () => {
    const api = certApi([cert({ has_private: true, not_after: '2026-03-10T00:00:00Z' }), cert({ fingerprint: 'CD'.repeat(32), subject: 'CN=Example CA', is_ca: true })])
    render(CertificatesScreen, { store: new CertificatesStore(api, () => NOW) })
    const rows = await screen.findAllByTestId('cert-row')
    expect(within(rows[0]).getAllByTestId('note').map((n) => n.textContent)).toEqual(['Private key', 'Expires within 30 days'])
    expect(within(rows[1]).getAllByTestId('note').map((n) => n.textContent)).toEqual(['CA'])

    await fireEvent.click(screen.getByTestId('cert-add'))
    await fireEvent.click(screen.getByTestId('import-mode-paste'))
    await fireEvent.input(screen.getByTestId('import-text'), { target: { value: '-----BEGIN CERTIFICATE-----\nMIIB' } })
    await fireEvent.click(screen.getByTestId('import-submit'))
    expect((await screen.findByTestId('import-error')).textContent).toBe('Nothing new: CN=Alice Example is already present')
    expect(screen.queryByTestId('import-passphrase')).toBeNull()
    // Escape closes even when focus fell out of the dialog.
    ;(document.activeElement as HTMLElement).blur()
    await fireEvent.keyDown(document.body, { key: 'Escape' })
    expect(screen.queryByTestId('import-dialog')).toBeNull()

    await fireEvent.click(screen.getByTestId('key-add'))
    const file = new File([new Uint8Array([0x30, 0x82, 0xff])], 'alice.p12')
    await fireEvent.change(screen.getByTestId('import-file'), { target: { files: [file] } })
    const pass = screen.getByTestId('import-passphrase') as HTMLInputElement
    await fireEvent.input(pass, { target: { value: 'p12-secret' } })
    await fireEvent.click(screen.getByTestId('import-submit'))
    await waitFor(() => expect(screen.queryByTestId('import-dialog')).toBeNull())
    expect(api.importPrivateKey).toHaveBeenCalledWith('MIL/', 'alice.p12', 'p12-secret')
    expect(pass.value).toBe('')
    expect(screen.getByTestId('cert-notice').textContent).toBe('Stored 1 private key in the keychain.')
  })

  it('asks twice for the export passphrase and deletes only after a confirm', async () => {
    const api = certApi([cert({ has_private: true })])
    render(CertificatesScreen, { store: new CertificatesStore(api, () => NOW) })
    await fireEvent.click(await screen.findByTestId('cert-export-key'))
    await fireEvent.input(screen.getByTestId('confirm-passphrase'), { target: { value: 'one' } })
    await fireEvent.input(screen.getByTestId('confirm-passphrase-repeat'), { target: { value: 'two' } })
    await fireEvent.click(screen.getByTestId('confirm-ok'))
    expect(screen.getByTestId('confirm-error').textContent).toMatch(/differ/)
    expect(api.exportPrivateKey).not.toHaveBeenCalled()
    await fireEvent.input(screen.getByTestId('confirm-passphrase'), { target: { value: 'same' } })
    await fireEvent.input(screen.getByTestId('confirm-passphrase-repeat'), { target: { value: 'same' } })
    await fireEvent.click(screen.getByTestId('confirm-ok'))
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull())
    expect(api.exportPrivateKey).toHaveBeenCalledWith('AB'.repeat(32), 'same')

    await fireEvent.click(screen.getByTestId('cert-delete'))
    // Focus starts on Cancel, not on the destructive button.
    expect(document.activeElement?.textContent).toBe('Cancel')
    await fireEvent.click(screen.getByText('Cancel'))
    expect(api.remove).not.toHaveBeenCalled()
    await fireEvent.click(screen.getByTestId('cert-delete'))
    await fireEvent.click(screen.getByTestId('confirm-ok'))
    await waitFor(() => expect(api.remove).toHaveBeenCalledWith('AB'.repeat(32)))
  })

  it('keeps Tab inside an open dialog', async () => {
    render(CertificatesScreen, { store: new CertificatesStore(certApi([]), () => NOW) })
    await fireEvent.click(screen.getByTestId('cert-add'))
    const submit = screen.getByTestId('import-submit')
    submit.focus()
    await fireEvent.keyDown(submit, { key: 'Tab' })
    expect(document.activeElement).toBe(screen.getByTestId('import-mode-file'))
  })
})

describe('CertificatesScreen (issue 14)', () => {
  it('asks whether a self-signed certificate is the contact’s own or a CA before storing it', async () => {
    const dan = cert({ fingerprint: 'DA'.repeat(32), subject: 'CN=Dan', emails: ['dan@example.test'], is_ca: true })
    const api = certApi([])
    const sent: string[] = []
    api.importCertificates = vi.fn(async (_d: string, _f: string, selfSigned?: string) => {
      sent.push(selfSigned ?? '')
      return selfSigned ? { imported: [dan], skipped: [], keys: [], rechecked: 0 } : { imported: [], skipped: [], keys: [], rechecked: 0, needs_choice: [dan] }
    })
    render(CertificatesScreen, { store: new CertificatesStore(api, () => NOW) })
    await fireEvent.click(await screen.findByTestId('cert-add'))
    expect(screen.getByTestId('import-guidance').textContent).toMatch(/fingerprint with the contact by phone or in person/)
    await fireEvent.change(screen.getByTestId('import-file'), { target: { files: [new File(['-----BEGIN CERTIFICATE-----'], 'dan.pem')] } })
    await fireEvent.click(screen.getByTestId('import-submit'))
    const ask = await screen.findByTestId('selfsigned-dialog')
    expect(ask.textContent).toContain('Dan <dan@example.test>')
    await fireEvent.click(screen.getByTestId('selfsigned-contact'))
    await waitFor(() => expect(screen.queryByTestId('selfsigned-dialog')).toBeNull())
    expect(sent).toEqual(['', 'contact'])
  })

  it('trusts a certificate for its addresses after a confirmation, and stops at once', async () => {
    const api = certApi([cert(), cert({ fingerprint: 'CD'.repeat(32), subject: 'CN=Dan', trusted_directly: true, is_ca: true })])
    render(CertificatesScreen, { store: new CertificatesStore(api, () => NOW) })
    const rows = await screen.findAllByTestId('cert-row')
    expect(within(rows[1]).getAllByTestId('note').map((n) => n.textContent)).toEqual(['Trusted directly'])
    await fireEvent.click(within(rows[0]).getByTestId('cert-trust'))
    expect(screen.getByTestId('confirm-dialog').textContent).toMatch(/never trusted as a CA/)
    await fireEvent.click(screen.getByTestId('confirm-ok'))
    await waitFor(() => expect(api.trust).toHaveBeenCalledWith('AB'.repeat(32), true))
    await fireEvent.click(within(rows[1]).getByTestId('cert-trust'))
    await waitFor(() => expect(api.trust).toHaveBeenCalledWith('CD'.repeat(32), false))
  })

  it('guides the private key import', async () => {
    render(CertificatesScreen, { store: new CertificatesStore(certApi([]), () => NOW) })
    await fireEvent.click(await screen.findByTestId('key-add'))
    expect(screen.getByTestId('import-guidance').textContent).toMatch(/only ever your own organisation’s/)
  })
})

describe('a key the team removed', () => {
  const removed = {
    agent: 'anna@example.test',
    agent_name: 'Anna',
    at: '2026-03-01T10:00:00Z',
    note: 'Anna <anna@example.test> removed it on their laptop on 1 Mar 2026. It stays here until an admin removes it under Certificates.',
  }
  it('shows a chip and Go’s sentence beside the certificate or key, and nothing beside the others', async () => {
    render(CertificatesScreen, { store: new CertificatesStore(certApi([cert({ team_removed: removed }), cert({ fingerprint: 'CD'.repeat(32) })]), () => NOW) })
    const rows = await screen.findAllByTestId('cert-row')
    expect(within(rows[0]).getAllByTestId('note').map((n) => n.textContent)).toEqual(['Removed by the team'])
    expect(within(rows[0]).getByTestId('team-removed').textContent).toBe(removed.note)
    expect(within(rows[1]).queryByTestId('team-removed')).toBeNull()
    cleanup()
    const api = pgpApi([pgpKey({ team_removed: { ...removed, note: 'under PGP keys' } })])
    render(PGPKeysScreen, { store: new PGPKeysStore(api, () => NOW) })
    const row = await screen.findByTestId('pgp-row')
    expect(within(row).getAllByTestId('note').map((n) => n.textContent)).toEqual(['Removed by the team'])
    expect(within(row).getByTestId('team-removed').textContent).toBe('under PGP keys')
  })
})

describe('PGPKeysScreen', () => {
  it('exports a secret key under the passphrase set in the dialog', async () => {
    const exportSecret = vi.fn(async () => ({ path: '/home/a/desk.secret.asc', cancelled: false }))
    const api: PGPKeysStoreApi = { ...pgpApi([pgpKey({ has_secret: true })]), exportSecret }
    render(PGPKeysScreen, { store: new PGPKeysStore(api, () => NOW) })
    await fireEvent.click(await screen.findByTestId('pgp-download-secret'))
    await fireEvent.input(screen.getByTestId('confirm-passphrase'), { target: { value: 'file pass' } })
    await fireEvent.input(screen.getByTestId('confirm-passphrase-repeat'), { target: { value: 'file pass' } })
    await fireEvent.click(screen.getByTestId('confirm-ok'))
    await waitFor(() => expect(exportSecret).toHaveBeenCalledWith(pgpKey().fingerprint, 'file pass'))
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull())
    await fireEvent.click(screen.getByTestId('pgp-add'))
    expect(screen.getByTestId('import-guidance').textContent).toMatch(/never ask a customer for theirs/)
  })

  it('asks for a passphrase when Go says the key is secret', async () => {
    const calls: string[] = []
    const api: PGPKeysStoreApi = {
      list: async () => [pgpKey({ has_secret: true })],
      importKeys: vi.fn(async (_d: string, _f: string, pass: string) => {
        calls.push(pass)
        if (!pass) throw goError('passphrase_required', 'desk.gpg holds a secret key: enter its passphrase')
        return { imported: [pgpKey()], merged: [], unchanged: [], secret: ['X'], warnings: [], rechecked: 0 }
      }),
      remove: async () => {},
      exportPublic: async () => '',
      exportSecret: async () => ({ path: '', cancelled: true }),
      savePublic: async () => '',
    }
    render(PGPKeysScreen, { store: new PGPKeysStore(api, () => NOW) })
    const row = await screen.findByTestId('pgp-row')
    expect(row.textContent).toContain('0123 4567 89AB CDEF')
    expect(within(row).getAllByTestId('note').map((n) => n.textContent)).toEqual(['Secret key'])
    await fireEvent.click(screen.getByTestId('pgp-add'))
    expect(screen.queryByTestId('import-passphrase')).toBeNull()
    await fireEvent.change(screen.getByTestId('import-file'), { target: { files: [new File([new Uint8Array([0x95, 1])], 'desk.gpg')] } })
    await fireEvent.click(screen.getByTestId('import-submit'))
    const pass = (await screen.findByTestId('import-passphrase')) as HTMLInputElement
    expect(screen.getByTestId('import-error').textContent).toBe('desk.gpg holds a secret key: enter its passphrase')
    await waitFor(() => expect(document.activeElement).toBe(pass))
    await fireEvent.input(pass, { target: { value: 'desk-pass' } })
    await fireEvent.click(screen.getByTestId('import-submit'))
    await waitFor(() => expect(screen.queryByTestId('import-dialog')).toBeNull())
    expect(calls).toEqual(['', 'desk-pass'])
  })
})

describe('PendingScreen', () => {
  it('warns about a key change and confirms before accepting it', async () => {
    const api: PendingKeysApi = {
      list: vi.fn(async () => [pending({ key_change: true, replaces: '1111222233334444555566667777888899990000' })]),
      accept: vi.fn(async () => ({ pending: pending(), rechecked: 0 })),
      reject: vi.fn(async () => pending()),
    }
    render(PendingScreen, { store: new PendingStore(api) })
    const warning = await screen.findByTestId('pending-warning')
    expect(warning.textContent).toMatch(/differs from the one you hold for bob@example.test/)
    await fireEvent.click(screen.getByTestId('pending-accept'))
    expect(api.accept).not.toHaveBeenCalled()
    await fireEvent.click(screen.getByTestId('confirm-ok'))
    await waitFor(() => expect(api.accept).toHaveBeenCalledWith(1))
  })

  it('says how many mails carried a key, once there is more than one', async () => {
    const api: PendingKeysApi = {
      list: vi.fn(async () => [pending({ id: 1, seen: 1 }), pending({ id: 2, seen: 4, fingerprint: 'AAAA' })]),
      accept: vi.fn(),
      reject: vi.fn(),
    }
    render(PendingScreen, { store: new PendingStore(api) })
    const seen = await screen.findAllByTestId('pending-seen')
    expect(seen.map((e) => e.textContent)).toEqual(['· seen in 4 mails'])
  })

  it('names the team member who published a key', async () => {
    const api: PendingKeysApi = {
      list: vi.fn(async () => [
        pending({ id: 1, origin: 'team', origin_agent: 'anna@example.test', origin_agent_name: 'Anna' }),
        pending({ id: 2, fingerprint: 'AAAA' }),
      ]),
      accept: vi.fn(),
      reject: vi.fn(),
    }
    render(PendingScreen, { store: new PendingStore(api) })
    const team = await screen.findAllByTestId('pending-team')
    expect(team).toHaveLength(1)
    expect(team[0].querySelector('strong')?.textContent).toBe('Anna')
  })
})

describe('GroupsScreen', () => {
  it('creates a group and shows Go’s validation message in the form', async () => {
    const groups: Group[] = []
    const api: GroupsApi = {
      list: async () => groups,
      save: async (g) => {
        if (!g.sender_address.includes('@')) throw goError('invalid', `"${g.sender_address}" is not an e-mail address: enter the address replies are sent from`)
        groups.push({ ...g, id: 5 })
        return { ...g, id: 5 }
      },
      remove: async () => {},
    }
    render(GroupsScreen, { store: new GroupsStore(api) })
    await fireEvent.click(await screen.findByTestId('group-add'))
    expect(document.activeElement).toBe(screen.getByTestId('group-name'))
    expect((screen.getByTestId('group-autocrypt') as HTMLInputElement).disabled).toBe(true)
    await fireEvent.input(screen.getByTestId('group-name'), { target: { value: 'Sales' } })
    await fireEvent.input(screen.getByTestId('group-sender'), { target: { value: 'sales' } })
    await fireEvent.click(screen.getByTestId('group-save'))
    expect((await screen.findByTestId('group-error')).textContent).toBe('"sales" is not an e-mail address: enter the address replies are sent from')
    await fireEvent.input(screen.getByTestId('group-sender'), { target: { value: 'sales@example.test' } })
    await fireEvent.change(screen.getByTestId('group-tech'), { target: { value: 'PGP' } })
    // A new group signs and encrypts by default (the composer holds a
    // default off where the certificates or keys are missing).
    expect((screen.getByTestId('group-sign') as HTMLInputElement).checked).toBe(true)
    expect((screen.getByTestId('group-encrypt') as HTMLInputElement).checked).toBe(true)
    await fireEvent.click(screen.getByTestId('group-sign'))
    await fireEvent.click(screen.getByTestId('group-save'))
    const row = await screen.findByTestId('group-row')
    expect(row.textContent).toContain('sales@example.test')
    expect(groups[0]).toMatchObject({ technology: 'PGP', default_encrypt: true, default_sign: false })
  })
})

describe('AccountsScreen', () => {
  it('offers to trust an untrusted server certificate and saves the pin', async () => {
    const fp = Array(32).fill('A1').join(':')
    let pinned = ''
    const save = vi.fn(async (req: { pinned_cert: string }) => ((pinned = req.pinned_cert), account({ pinned_cert: pinned })))
    const store = new AccountsStore({
      list: async () => [account({ pinned_cert: pinned })],
      save,
      remove: async () => {},
      testConnection: async () => {
        if (!pinned) throw goError('certificate_untrusted', `TLS verification of imap.example.test:993 failed (x509: certificate signed by unknown authority); if you trust this server, check and pin its certificate SHA-256 fingerprint ${fp}`)
        return { ok: true }
      },
    })
    render(AccountsScreen, { store })
    await fireEvent.click(await screen.findByTestId('account-test'))
    expect((await screen.findByTestId('account-fingerprint')).textContent).toBe(fp)
    await fireEvent.click(screen.getByTestId('account-trust'))
    await waitFor(() => expect(screen.getByTestId('account-test-result').textContent).toBe('Logged in to the IMAP server of desk.'))
    expect(save).toHaveBeenCalledWith(expect.objectContaining({ pinned_cert: fp, password: '' }))
  })

  it('sends the password once and clears it', async () => {
    const save = vi.fn(async () => Promise.reject(goError('invalid', 'a new account needs a password')))
    render(AccountsScreen, { store: new AccountsStore({ list: async () => [], save, remove: async () => {}, testConnection: async () => ({ ok: true }) }) })
    await fireEvent.click(await screen.findByTestId('account-add'))
    await fireEvent.input(screen.getByTestId('account-name'), { target: { value: 'desk' } })
    const pw = screen.getByTestId('account-password') as HTMLInputElement
    await fireEvent.input(pw, { target: { value: 'hunter2' } })
    await fireEvent.click(screen.getByTestId('account-save'))
    expect((await screen.findByTestId('account-error')).textContent).toBe('a new account needs a password')
    expect(save).toHaveBeenCalledWith(expect.objectContaining({ name: 'desk', password: 'hunter2' }))
    expect(pw.value).toBe('')
  })

  it('keeps the IMAP and SMTP server fields apart', async () => {
    const save = vi.fn(async () => account())
    render(AccountsScreen, { store: new AccountsStore({ list: async () => [], save, remove: async () => {}, testConnection: async () => ({ ok: true }) }) })
    await fireEvent.click(await screen.findByTestId('account-add'))
    const fill = (id: string, value: string) => fireEvent.input(screen.getByTestId(id), { target: { value } })
    await fill('account-name', 'desk')
    await fill('account-password', 'pw')
    await fill('account-imap-host', 'imap.example.test')
    await fill('account-imap-port', '143')
    await fireEvent.change(screen.getByTestId('account-imap-tls'), { target: { value: 'starttls' } })
    await fill('account-imap-pin', 'AA:BB')
    await fill('account-smtp-host', 'smtp.example.test')
    await fill('account-smtp-port', '465')
    await fireEvent.change(screen.getByTestId('account-smtp-tls'), { target: { value: 'implicit' } })
    await fill('account-smtp-pin', 'CC:DD')
    await fireEvent.click(screen.getByTestId('account-save'))
    await waitFor(() =>
      expect(save).toHaveBeenCalledWith(
        expect.objectContaining({
          imap: 'imap.example.test:143', imap_tls: 'starttls', pinned_cert: 'AA:BB',
          smtp: 'smtp.example.test:465', smtp_tls: 'implicit', smtp_pinned_cert: 'CC:DD',
        }),
      ),
    )
  })
})

describe('LogsScreen', () => {
  it('filters by technology through Go', async () => {
    const api: LogsStoreApi = {
      list: vi.fn(async (q) => (q.technology === 'PGP' ? [] : [logEntry(), logEntry({ id: 2, status: 'failed', direction: 'out' })])),
      exportLog: vi.fn(async () => ''),
    }
    render(LogsScreen, { store: new LogsStore(api) })
    expect(await screen.findAllByTestId('log-row')).toHaveLength(2)
    await fireEvent.change(screen.getByTestId('log-filter-technology'), { target: { value: 'PGP' } })
    await screen.findByTestId('logs-empty')
    expect(screen.getByTestId('logs-empty').textContent).toMatch(/none matches the filter/)
    await fireEvent.click(screen.getByTestId('logs-export-json'))
    expect(api.exportLog).toHaveBeenCalledWith(expect.objectContaining({ technology: 'PGP' }), 'json')
  })
})
