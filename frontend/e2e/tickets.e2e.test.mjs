// End-to-end: the ticket list and view over the demo mailbox, in headless
// Chromium against the real Go backend. The demo's hostile HTML mail names
// a loopback address (demo.RemoteProbeAddr) where this test listens: any
// request that arrives there was made by the mail.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { after, before, describe, it } from 'node:test'
import { fakeBrowser, startApp } from './harness.mjs'

const PROBE_PORT = 47613 // demo.RemoteProbeAddr

describe('tickets and articles', () => {
  let app
  let probe
  const hits = []
  const browser = fakeBrowser()
  before(async () => {
    probe = createServer((req, res) => {
      hits.push(req.url)
      // A real (1x1 GIF) answer: the harness counts HTTP errors as page errors.
      res.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.from('R0lGODlhAQABAAAAACH5BAEAAAAALAAAAAABAAEAAAIBAAA=', 'base64'))
    })
    await new Promise((ok, fail) => probe.once('error', fail).listen(PROBE_PORT, '127.0.0.1', ok))
    app = await startApp({ env: browser.env })
    await app.page.evaluate(() => window.go.app.Demo.Start({}))
    await app.page.waitForFunction(
      async () => {
        const q = { search: '', state: '', group_id: 0, security: '', unread: false, offset: 0, limit: 50 }
        const all = await window.go.app.Tickets.List(q)
        const pending = await window.go.app.Tickets.List({ ...q, security: 'pending' })
        return all.total === 8 && pending.total === 0
      },
      null,
      { timeout: 60_000, polling: 250 },
    )
  })
  after(async () => {
    await app?.stop()
    await new Promise((ok) => (probe ? probe.close(ok) : ok()))
    browser.remove()
  })

  const open = async (subject) => {
    await app.page.getByTestId('ticket-list').getByText(subject, { exact: true }).click()
    await app.page.getByTestId('ticket-view').getByRole('heading', { name: subject }).waitFor()
  }

  it('opens a signed ticket: the seal in the band, every check in the details', async () => {
    await open('Printer on floor 3 prints blank pages')
    const first = app.page.getByTestId('article').first()
    const seal = first.getByTestId('band-seal')
    assert.equal(await seal.getAttribute('data-state'), 'ok')
    assert.match(await seal.getAttribute('title'), /Signer: .*Alice Customer[\s\S]*issued by .*Demo/)
    // The band is the app's own DOM, never inside the mail's frame.
    assert.equal(await first.getByTestId('security-band').evaluate((el) => el.closest('iframe')), null)
    await first.getByTestId('article-header').click()
    const checks = first.getByTestId('check')
    await checks.first().waitFor()
    const names = await checks.locator('b').allTextContents()
    for (const n of ['structure', 'digest', 'chain', 'validity', 'from']) assert.ok(names.includes(n), `check ${n} in ${names}`)
    assert.deepEqual(new Set(await checks.evaluateAll((els) => els.map((e) => e.dataset.ok))), new Set(['true']))
    assert.equal(await app.page.getByTestId('article').count(), 2, 'the threaded reply is the second article')
    if (process.env.SEALDESK_TICKETS_SHOT) await app.page.screenshot({ path: process.env.SEALDESK_TICKETS_SHOT })
  })

  it('shows the warning on a mail from an unknown sender, and retries it', async () => {
    await open('Urgent: password reset required')
    const art = app.page.getByTestId('article').first()
    assert.equal(await art.getByTestId('band-seal').getAttribute('data-state'), 'bad')
    await art.getByTestId('warning-untrusted').waitFor()
    assert.match(await art.getByTestId('warning-untrusted').textContent(), /not issued by a CA you trust.*import its certificate/s)
    await art.getByTestId('retry').click()
    await app.page.getByRole('status').filter({ hasText: 'Checked again' }).waitFor()
    assert.equal(await art.getByTestId('retry').isVisible(), true, 'still failed: the CA is still unknown')
  })

  it('a mail whose HTML tries scripts, remote images and a fake security banner loads nothing and runs nothing', async () => {
    const title = await app.page.title()
    await open('Invoice 2026-118: new bank details (HTML)')
    const art = app.page.getByTestId('article').first()
    const frame = art.getByTestId('mail-frame')
    await frame.waitFor()
    assert.equal(await frame.getAttribute('sandbox'), '', 'an empty sandbox: no scripts, no same origin')
    const doc = await frame.getAttribute('srcdoc')
    assert.match(doc, /Signature verified/, 'the fake banner is in the frame')
    assert.match(doc, /http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; img-src data:;/)
    assert.doesNotMatch(doc, /<script|onerror|127\.0\.0\.1/i)
    await art.getByTestId('remote-blocked').waitFor()
    await app.page.waitForTimeout(1500) // time for anything that would load or run
    assert.deepEqual(hits, [], 'no request reached the probe')
    assert.equal(await app.page.evaluate(() => window.__sealdeskPwned), undefined)
    assert.equal(await app.page.title(), title)
    // Outside the frame the app says what is true: not signed.
    const outside = await app.page.getByTestId('ticket-view').evaluate((el) => el.innerText)
    assert.doesNotMatch(outside, /Signature verified/)
    assert.equal(await art.getByTestId('band-seal').getAttribute('data-state'), 'off')

    // Control: loading remote content on request reaches the probe, so the
    // silence above was the block, not a broken probe. Scripts still do not run.
    await art.getByTestId('load-remote').click()
    const deadline = Date.now() + 10_000
    while (!hits.includes('/tracker.png') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    assert.ok(hits.includes('/tracker.png'), `remote image loaded on request: ${hits}`)
    await app.page.waitForTimeout(500)
    assert.deepEqual(hits.filter((h) => /script|onerror|svg|frame|refresh|link|import/.test(h)), [], `nothing active ran: ${hits}`)
    assert.equal(await app.page.evaluate(() => window.__sealdeskPwned), undefined)
  })

  it('lists the links with where they really go, and opens one in the system browser only after a confirmation', async () => {
    const { page } = app
    await open('Invoice 2026-118: new bank details (HTML)')
    const links = page.getByTestId('article').first().getByTestId('links')
    await links.waitFor()
    // The warning also stands above the mail, in view before the text that asks for the click.
    const banner = page.getByTestId('article').first().getByTestId('link-warning-banner')
    assert.match(await banner.textContent(), /A link in this message may not go where it says/)
    assert.ok(await banner.evaluate((el) => el.getBoundingClientRect().bottom <= window.innerHeight), 'the banner is in view')
    // The mail shows one site and links to another: the list is open and says so.
    assert.equal(await links.evaluate((el) => el.open), true)
    const link = links.getByTestId('link').first()
    assert.equal(await link.getByTestId('link-host').textContent(), 'yourbank-secure.example.net')
    assert.match(await link.getByTestId('link-warning').textContent(), /shows www\.yourbank\.example but the link opens yourbank-secure\.example\.net/)
    await link.getByTestId('link-open').click()
    const dialog = page.getByTestId('confirm-dialog')
    assert.match(await dialog.textContent(), /It opens https:\/\/yourbank-secure\.example\.net\/confirm/)
    await dialog.getByText('Cancel').click()
    await dialog.waitFor({ state: 'detached' })
    await page.waitForTimeout(300)
    assert.deepEqual(browser.opened(), [], 'Cancel opens nothing')
    await link.getByTestId('link-open').click()
    await page.getByTestId('confirm-ok').click()
    await dialog.waitFor({ state: 'detached' })
    const deadline = Date.now() + 5_000
    while (browser.opened().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    assert.deepEqual(browser.opened(), ['https://yourbank-secure.example.net/confirm'])
    // The web view cannot make the backend open an address the mail does not hold.
    const refused = await page.evaluate(
      (id) => window.go.app.Tickets.OpenLink({ article_id: id, url: 'https://elsewhere.example/' }).then(() => 'opened', (e) => String(e)),
      Number(await page.getByTestId('article').first().getAttribute('data-article-id')),
    )
    assert.match(refused, /not a link of the message/)
    assert.equal(browser.opened().length, 1)
  })

  it('filters the list by security status and moves through it with the keyboard', async () => {
    await app.page.getByTestId('filter-security').selectOption('failed')
    await app.page.getByTestId('ticket-list').getByText('Invoice 2026-117: our bank details').waitFor()
    await app.page.waitForFunction(() => document.querySelector('.count')?.textContent === '3 tickets')
    await app.page.getByTestId('ticket-list').focus()
    await app.page.keyboard.press('Home')
    await app.page.keyboard.press('ArrowDown')
    await app.page.keyboard.press('Enter')
    await app.page.getByTestId('ticket-view').getByTestId('warnings').first().waitFor()
    await app.page.getByTestId('filter-security').selectOption('')
  })

  it('logs no errors in the page', () => {
    assert.deepEqual(app.pageErrors, [])
  })
})
