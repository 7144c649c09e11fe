// The composer end to end: a customer's signed mail arrives over IMAP, the
// agent replies from the ticket with the group's defaults (Sign and
// Encrypt, S/MIME), the reply goes out through Dovecot's submission
// service, and OpenSSL — an independent peer — decrypts and verifies what
// the customer's mailbox received.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { startApp } from './harness.mjs'
import { env, fetchMailbox, lmtpDeliver, makePKI, opensslDecryptVerify, servicesUp, smimeSigned } from './mailkit.mjs'

describe('composer', { skip: !servicesUp() && 'no Dovecot/Postfix: run under scripts/with-services.sh' }, () => {
  let app
  const pki = makePKI('Compose E2E CA')
  const desk = pki.leaf('Helpdesk', env.helpdesk)
  const customer = pki.leaf('Customer', env.customer)
  // The mailboxes are shared with the other tests of the run: find ours by a token.
  const subject = `Printer on fire ${Date.now().toString(36)}`

  before(async () => {
    app = await startApp()
    const go = (svc, method, req) =>
      app.page.evaluate(([s, m, r]) => (r === undefined ? window.go.app[s][m]() : window.go.app[s][m](r)), [svc, method, req])
    await go('Accounts', 'Save', {
      name: 'desk', imap: env.imapAddr, imap_tls: 'none', smtp: env.smtpAddr, smtp_tls: 'none',
      username: env.helpdesk, password: env.helpdeskPassword, pinned_cert: '', smtp_pinned_cert: '',
    })
    await go('Groups', 'Save', { id: 0, name: 'Helpdesk', sender_address: `Helpdesk <${env.helpdesk}>`, default_sign: true, default_encrypt: true, technology: 'S/MIME', autocrypt: false })
    const pem = (f) => readFileSync(f, 'utf8')
    await go('Certificates', 'ImportCertificates', { data: pem(pki.ca.cert), file_name: 'ca.pem' })
    await go('Certificates', 'ImportCertificates', { data: pem(desk.cert), file_name: 'desk.pem' })
    await go('Certificates', 'ImportPrivateKey', { data: pem(desk.key), file_name: 'desk.key', passphrase: '' })
    // The customer's certificate is NOT imported: their signed mail carries it,
    // and the composer offers to import it from there.
    const mid = `e2e-question-${Date.now()}@example.test`
    await lmtpDeliver(smimeSigned(customer, { to: env.helpdesk, subject, text: 'Please help, the printer is on fire.', messageId: mid }), env.helpdesk, env.customer)
    await go('Sync', 'Start', { account: '' })
    await app.page.waitForFunction(async (s) => (await window.go.app.Tickets.List({ search: s, state: '', offset: 0, limit: 5 })).total === 1, subject, { timeout: 30_000 })
  })

  after(async () => {
    assert.deepEqual(app?.pageErrors ?? [], [])
    await app?.stop()
  })

  it('compose and send a signed and encrypted reply that OpenSSL decrypts and verifies after it arrives over IMAP', async () => {
    const { page } = app
    await page.getByTestId('ticket-list').getByText(subject).click()
    await page.getByRole('button', { name: /^Reply$/ }).first().click()
    const composer = page.getByTestId('composer')
    await composer.waitFor()
    // The group's defaults: Sign and Encrypt, S/MIME. Encrypt is impossible
    // until the customer's certificate is imported: that default starts
    // off, with the reason and the fix offered, rather than blocking Send.
    assert.equal(await page.getByTestId('compose-sign').isChecked(), true)
    assert.match(await page.getByTestId('compose-subject').inputValue(), new RegExp(`^Re: ${subject} \\[Ticket#\\d+\\]$`))
    await page.locator('[data-testid="encrypt-why"][data-held="true"]').waitFor()
    assert.equal(await page.getByTestId('compose-encrypt').isChecked(), false)
    assert.match(await page.getByTestId('encrypt-why').textContent(), new RegExp(env.customer.replace('.', '\\.')))
    await page.getByTestId('fix-import-carried').click()
    await page.getByTestId('encrypt-why').waitFor({ state: 'detached' })
    // Possible now, and the agent did not switch it off: the default applies.
    await page.waitForFunction(() => document.querySelector('[data-testid="compose-encrypt"]')?.checked === true)
    // An attachment crosses to Go once; the autosaves after it carry the
    // text and the attachment's reference, never the file's content.
    await page.evaluate(() => {
      const c = window.go.app.Compose
      const save = c.SaveDraft
      window.__saves = []
      c.SaveDraft = (d) => (window.__saves.push(JSON.stringify(d)), save(d))
    })
    const log = Buffer.from('fire log: smoke at 10:02\n'.repeat(2000))
    await page.getByTestId('compose-file').setInputFiles({ name: 'fire.log', mimeType: 'text/plain', buffer: log })
    await composer.getByTestId('compose-attachment').waitFor()
    await page.getByTestId('compose-text').fill('We sent the fire brigade.\n' + (await page.getByTestId('compose-text').inputValue()))
    await page.waitForFunction(() => window.__saves.some((s) => s.includes('fire brigade')), null, { timeout: 10_000 })
    const saves = await page.evaluate(() => window.__saves)
    for (const s of saves) {
      assert.ok(!s.includes(log.toString('base64').slice(0, 64)), 'an autosave carried the attachment')
      assert.ok(s.length < 4096, `an autosave sent ${s.length} bytes`)
    }
    await page.getByTestId('compose-send').click()
    await page.locator('[data-testid="compose-progress"][data-step="saved"]').waitFor({ timeout: 30_000 })
    await composer.waitFor({ state: 'detached' }) // it closes itself once sent

    // It arrived in the customer's mailbox: OpenSSL decrypts it with the
    // customer's key and verifies the desk's signature against the CA.
    let raw
    for (let i = 0; i < 50 && !raw; i++) {
      raw = fetchMailbox(env.customer).find((m) => m.includes(`Subject: Re: ${subject}`))
      if (!raw) await new Promise((r) => setTimeout(r, 200))
    }
    assert.ok(raw, 'the reply did not arrive in the customer INBOX')
    if (process.env.SEALDESK_E2E_KEEP) writeFileSync(process.env.SEALDESK_E2E_KEEP, raw)
    assert.match(raw, /application\/pkcs7-mime/)
    assert.doesNotMatch(raw, /fire brigade/, 'the reply travelled in the clear')
    let text
    try {
      ;({ text } = opensslDecryptVerify(raw, customer, pki.ca.cert))
    } catch (e) {
      assert.fail(`${e.message}\n--- the message in the customer's mailbox:\n${raw.slice(0, 3000)}`)
    }
    assert.match(text, /We sent the fire brigade\./)
    assert.match(text, /> Please help, the printer is on fire\./)
    assert.match(text, /filename="?fire\.log/, 'the attachment, sent from what Go stored, is in the signed content')
  })

  it('keeps a failed send in the outbox with its reason, and sends it on Retry once the server is back', async () => {
    const { page } = app
    const go = (svc, method, req) => page.evaluate(([s, m, r]) => window.go.app[s][m](r), [svc, method, req])
    // Point the account's submission at a closed port: the send must fail
    // and stay in the outbox with a reason the agent can act on.
    const account = { name: 'desk', imap: env.imapAddr, imap_tls: 'none', smtp_tls: 'none', username: env.helpdesk, password: '', pinned_cert: '', smtp_pinned_cert: '' }
    const closed = '127.0.0.1:9' // discard: nothing listens here on the test machines
    await go('Accounts', 'Save', { ...account, smtp: closed })
    const draft = { id: 0, mode: 'new', ticket_id: 0, article_id: 0, group_id: 0, from: env.helpdesk, to: [env.customer], cc: [], bcc: [],
      subject: 'Outbox e2e', text: 'held back', sign: false, encrypt: false, technology: 'S/MIME', keys: {}, attachments: [],
      in_reply_to: '', references: [], updated_at: '' }
    const sent = await go('Compose', 'Send', { send_id: 'outbox-e2e', draft })
    assert.notEqual(sent.status, 'sent', JSON.stringify(sent))
    const held = (await page.evaluate(() => window.go.app.Compose.Outbox())).find((i) => i.id === sent.id)
    assert.ok(held?.reason && held?.advice, JSON.stringify(held))
    // The outbox panel shows it with the reason.
    await page.getByTestId('outbox-toggle').click()
    const item = page.getByTestId('outbox-item').filter({ hasText: 'Outbox e2e' })
    assert.equal(await item.getByTestId('outbox-reason').textContent(), held.reason)
    // Server back: Retry in the panel sends it, once, and it leaves the outbox.
    await go('Accounts', 'Save', { ...account, smtp: env.smtpAddr })
    await item.getByTestId('outbox-retry').click()
    await item.waitFor({ state: 'detached', timeout: 15_000 })
    let got = []
    for (let i = 0; i < 50 && got.length === 0; i++) {
      got = fetchMailbox(env.customer).filter((m) => m.includes('Subject: Outbox e2e'))
      if (got.length === 0) await new Promise((r) => setTimeout(r, 200))
    }
    assert.equal(got.length, 1, 'the held mail should arrive exactly once after Retry')
  })
})
