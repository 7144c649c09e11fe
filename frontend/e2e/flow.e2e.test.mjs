// The agent's whole path against real parts: a mailbox on Dovecot, mail
// delivered over LMTP by an S/MIME peer made with OpenSSL, the keychain on
// the session bus. A customer whose CA we do not trust writes in; the
// agent sees the warning, imports the CA on the Certificates screen, and
// the article turns verified — automatically, or by Retry.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startApp } from './harness.mjs'
import { env, lmtpDeliver, makePKI, servicesUp, smimeSigned } from './mailkit.mjs'

describe('unknown sender to verified', { skip: !servicesUp() && 'no Dovecot/Postfix: run under scripts/with-services.sh' }, () => {
  let app
  const partner = makePKI('Partner Root CA')
  const customer = partner.leaf('Customer', env.customer)
  const subject = `Order 4711 confirmation ${Date.now()}`

  before(async () => {
    app = await startApp()
    await app.page.evaluate(
      (a) =>
        window.go.app.Accounts.Save({
          name: 'desk', imap: a.imap, imap_tls: 'none', smtp: a.smtp, smtp_tls: 'none', username: a.user, password: a.pass,
          pinned_cert: '', smtp_pinned_cert: '',
        }),
      { imap: env.imapAddr, smtp: env.smtpAddr, user: env.helpdesk, pass: env.helpdeskPassword },
    )
    const raw = smimeSigned(customer, { to: env.helpdesk, subject, text: 'Please confirm order 4711.', messageId: `flow-${Date.now()}@example.test` })
    await lmtpDeliver(raw, env.helpdesk, env.customer)
    // Saving the first account started the sync; the sync bar shows it.
    await app.waitForSyncIdle()
    await app.page.getByTestId('ticket-list').getByText(subject).waitFor({ timeout: 30_000 })
  })
  after(async () => {
    await app?.stop()
  })

  it('warns about the untrusted sender, then shows the seal once the CA is imported', async () => {
    const { page } = app
    await page.getByTestId('ticket-list').getByText(subject).click()
    const art = page.getByTestId('article').first()
    assert.equal(await art.getByTestId('band-seal').getAttribute('data-state'), 'bad')
    await art.getByTestId('warning-untrusted').waitFor()
    assert.equal(await art.getByTestId('retry').isVisible(), true)

    // Import the partner's CA where an admin would.
    await page.getByTestId('nav-certificates').click()
    await page.getByTestId('cert-add').click()
    await page.getByTestId('import-file').setInputFiles(partner.ca.cert)
    await page.getByTestId('import-submit').click()
    await page.getByTestId('import-dialog').waitFor({ state: 'detached' })
    await page.getByTestId('cert-row').filter({ hasText: 'Partner Root CA' }).waitFor()

    // Back at the ticket: the import re-ran the failed article; Retry is
    // there for the agent if it did not.
    await page.getByTestId('nav-tickets').click()
    await page.getByTestId('ticket-list').getByText(subject).click()
    const again = page.getByTestId('article').first()
    if (await again.getByTestId('retry').isVisible()) await again.getByTestId('retry').click()
    await page.waitForFunction(
      () => document.querySelector('[data-testid=article] [data-testid=band-seal]')?.getAttribute('data-state') === 'ok',
      null,
      { timeout: 10_000 },
    )
    assert.equal(await again.getByTestId('warning-untrusted').count(), 0)
    assert.equal(await again.getByTestId('retry').count(), 0)
    const title = await again.getByTestId('band-seal').getAttribute('title')
    assert.match(title, /Customer/)
    assert.match(title, /Partner Root CA/)
    assert.deepEqual(app.pageErrors, [])
  })
})
