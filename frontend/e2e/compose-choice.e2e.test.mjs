// The composer's choice of technology and its readiness, end to end over
// the demo mailbox (its group signs and encrypts with S/MIME by default;
// Carol writes PGP/MIME and her OpenPGP key is held): a reply to her mail
// starts on PGP with Sign and Encrypt on, an agent's S/MIME is kept with
// Encrypt held off and why, and a group whose own address has no key of
// its own says so, by that address, instead of promising Encrypt.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startApp } from './harness.mjs'

const CAROL = 'carol@partner.test'
const SUBJECT = 'Contract renewal (confidential)'

describe('the composer chooses what can work', () => {
  let app
  before(async () => {
    app = await startApp()
    await app.page.evaluate(() => window.go.app.Demo.Start({}))
    await app.page.waitForFunction(
      async (s) => {
        const q = { search: s, state: '', group_id: 0, security: '', unread: false, offset: 0, limit: 5 }
        const found = await window.go.app.Tickets.List(q)
        const pending = await window.go.app.Tickets.List({ ...q, search: '', security: 'pending' })
        return found.total === 1 && pending.total === 0
      },
      SUBJECT,
      { timeout: 60_000, polling: 250 },
    )
  })
  after(async () => {
    assert.deepEqual(app?.pageErrors ?? [], [])
    await app?.stop()
  })

  const reply = async () => {
    const { page } = app
    await page.getByTestId('ticket-list').getByText(SUBJECT, { exact: true }).click()
    await page.getByTestId('ticket-view').getByRole('heading', { name: SUBJECT }).waitFor()
    await page.getByRole('button', { name: /^Reply$/ }).first().click()
    await page.getByTestId('composer').waitFor()
    await page.getByTestId('tech-why').waitFor()
  }
  const close = async () => {
    await app.page.getByTestId('compose-discard').click()
    await app.page.getByTestId('composer').waitFor({ state: 'detached' })
  }

  it('replies to PGP/MIME mail with PGP, signed and encrypted, and keeps the agent\'s S/MIME with Encrypt held off', async () => {
    const { page } = app
    await reply()
    assert.equal(await page.getByTestId('compose-tech-pgp').isChecked(), true)
    assert.match(await page.getByTestId('tech-why').textContent(), /The mail you answer is PGP/)
    assert.equal(await page.getByTestId('compose-sign').isChecked(), true)
    assert.equal(await page.getByTestId('compose-encrypt').isChecked(), true)
    assert.equal(await page.getByTestId('encrypt-why').count(), 0, 'Encrypt is possible: no reason shown')
    assert.equal(await page.getByTestId('compose-send').isDisabled(), false)

    // The agent's S/MIME is kept; Carol has no certificate, so the group's
    // Encrypt is held off, with the reason, and Send is not blocked.
    await page.getByRole('radiogroup', { name: 'Technology' }).locator('label', { hasText: 'S/MIME' }).click() // the radio is drawn as its label
    const why = page.locator('[data-testid="encrypt-why"][data-held="true"]')
    await why.waitFor()
    assert.match(await why.textContent(), /although the group encrypts by default/)
    assert.match(await why.textContent(), new RegExp(CAROL.replace('.', '\\.')))
    assert.equal(await page.getByTestId('compose-encrypt').isChecked(), false)
    assert.equal(await page.getByTestId('compose-tech-smime').isChecked(), true)
    assert.equal(await page.getByTestId('tech-why').count(), 0, 'no note claims the agent\'s choice was the rule\'s')
    assert.equal(await page.getByTestId('compose-send').isDisabled(), false)
    await close()
  })

  it('names the helpdesk\'s own address when it has no key of its own', async () => {
    const { page } = app
    const own = 'nokeys@demo.sealdesk.test'
    await page.evaluate(
      (a) => window.go.app.Groups.Save({ id: 0, name: 'No keys', sender_address: a, default_sign: true, default_encrypt: true, technology: 'PGP', autocrypt: false }),
      own,
    )
    await reply()
    const group = page.getByTestId('compose-group')
    const id = await group.locator('option', { hasText: own }).getAttribute('value')
    await group.selectOption(id)
    const row = page.getByTestId('encrypt-why-row').filter({ hasText: own })
    await row.waitFor()
    // PGP: Carol's key is there; our own address has none, and Encrypt
    // (every encrypted message goes to the sender too) says so.
    assert.match(await row.textContent(), /the helpdesk address nokeys@demo\.sealdesk\.test has no OpenPGP key of its own: import its secret key under Admin → PGP keys → Add key/)
    assert.equal(await page.getByTestId('encrypt-why-row').filter({ hasText: CAROL }).count(), 0)
    assert.equal(await page.getByTestId('compose-encrypt').isChecked(), false)
    assert.equal(await page.getByTestId('compose-sign').isChecked(), false)
    assert.equal(await page.getByTestId('compose-send').isDisabled(), false)
    // The action the text names exists.
    assert.equal(await page.getByRole('button', { name: 'PGP keys' }).count() + (await page.getByText('PGP keys', { exact: true }).count()) > 0, true)
    await close()
  })
})
