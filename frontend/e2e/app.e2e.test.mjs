// End-to-end: the real Go backend behind Wails' dev bridge, driven in
// headless Chromium. Run by `make test` (scripts/test.sh) under Xvfb, with
// gnome-keyring on the session bus.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { devBinary, startApp } from './harness.mjs'

describe('SealDesk window', () => {
  let app
  before(async () => {
    app = await startApp()
  })
  after(async () => {
    await app?.stop()
  })

  it('shows the empty ticket list from the real Tickets service', async () => {
    await app.page.getByTestId('tickets-empty').waitFor()
    const page = await app.page.evaluate(() => window.go.app.Tickets.List({ search: '', state: '', offset: 0, limit: 50 }))
    assert.deepEqual(page, { total: 0, tickets: [] })
  })

  it('shows the stamped version on the About card', async () => {
    await app.page.getByTestId('nav-settings').click()
    const shown = await app.page.getByTestId('about-version').textContent()
    const printed = execFileSync(devBinary, ['--version']).toString().trim()
    assert.equal(`sealdesk ${shown}`, printed)
  })

  it('reports the keychain as the environment has it', async () => {
    const ok = process.env.SEALDESK_TEST_KEYRING === '1'
    const status = await app.page.evaluate(() => window.go.app.Settings.CheckKeychain())
    assert.equal(status.ok, ok, status.message)
    if (ok) await app.page.getByTestId('keychain-ok').waitFor()
    else await app.page.getByTestId('keychain-banner').waitFor()
  })

  it('stores a setting in SQLite through the Go service and keeps it across a reload', async () => {
    const toggle = app.page.getByTestId('toggle-trust_system_roots')
    assert.equal(await toggle.isChecked(), false)
    await toggle.click()
    await app.page.waitForFunction(async () => (await window.go.app.Settings.Get()).trust_system_roots === true)
    await app.page.reload()
    await app.page.waitForFunction(() => window.go?.app?.Settings !== undefined)
    await app.page.getByTestId('nav-settings').click()
    assert.equal(await app.page.getByTestId('toggle-trust_system_roots').isChecked(), true)
  })

  it('turns a Go error into {code, message} for the UI', async () => {
    const err = await app.page.evaluate(() =>
      window.go.app.Groups.Save({ id: 0, name: 'Support', sender_address: 'not an address', technology: 'S/MIME' }).then(
        () => null,
        // The browser bridge wraps the formatter's JSON in an Error.
        (e) => JSON.parse(e instanceof Error ? e.message : e),
      ),
    )
    assert.equal(err?.code, 'invalid', JSON.stringify(err))
    assert.match(err.message, /not an e-mail address/)
  })

  it('binds no generic privileged methods', async () => {
    const bound = await app.page.evaluate(() =>
      Object.fromEntries(Object.entries(window.go.app).map(([svc, m]) => [svc, Object.keys(m).sort()])),
    )
    assert.deepEqual(bound, {
      Accounts: ['Delete', 'List', 'Save', 'TestConnection'],
      Bundles: ['Import', 'List'],
      Compose: ['AddAttachment', 'Choose', 'Contacts', 'DeleteDraft', 'DiscardOutbox', 'Drafts', 'Fixes', 'ImportCarried', 'Meanwhile', 'OpenDraft', 'Outbox', 'Prepare', 'Readiness', 'RemoveAttachment', 'RetryOutbox', 'SaveDraft', 'Send'],
      Demo: ['Start', 'Status'],
      Certificates: ['Delete', 'ExportBundle', 'ExportCertificate', 'ExportPrivateKey', 'ImportCertificates', 'ImportPrivateKey', 'List', 'SaveCertificate', 'Trust'],
      Groups: ['Delete', 'List', 'Save'],
      Logs: ['Export', 'List'],
      PGPKeys: ['Delete', 'ExportBundle', 'ExportPublic', 'ExportSecret', 'Import', 'List', 'SavePublic'],
      PendingKeys: ['Accept', 'List', 'Reject'],
      Settings: ['CheckKeychain', 'Get', 'SetAgent', 'UpdateIntegrations'],
      Sync: ['Start', 'Status', 'Stop'],
      Tickets: ['Agents', 'Assign', 'Conflicts', 'Content', 'Get', 'List', 'MarkRead', 'OpenLink', 'Recheckable', 'Retry', 'RetryFailed', 'SaveAttachment', 'SetState'],
    })
  })

  // Last of the window tests: the demo adds an account to the profile.
  it('fills the ticket list from the demo mailbox', async () => {
    await app.page.getByTestId('nav-tickets').click()
    await app.page.getByRole('button', { name: 'Try the demo mailbox' }).click()
    const list = app.page.getByTestId('ticket-list')
    await list.waitFor({ timeout: 30_000 })
    await list.getByText('Printer on floor 3 prints blank pages').waitFor({ timeout: 30_000 })
    await app.page.waitForFunction(
      async () => (await window.go.app.Tickets.List({ search: '', state: '', offset: 0, limit: 50 })).total === 8,
      null,
      { timeout: 30_000, polling: 250 },
    )
    await list.getByText('Contract renewal (confidential)').waitFor({ timeout: 30_000 })
    assert.deepEqual(await app.page.evaluate(() => window.go.app.Demo.Status()), { running: true, account: 'Demo' })
    const again = await app.page.evaluate(() => window.go.app.Demo.Start({}).then(() => null, (e) => JSON.parse(e instanceof Error ? e.message : e)))
    assert.equal(again, null, 'a second Start while running is a no-op')
  })

  it('logs no errors in the page', () => {
    assert.deepEqual(app.pageErrors, [])
  })
})
