// End-to-end: two agents on one helpdesk mailbox (issue 13, docs/team.md).
// Anna is the app (the dev build in headless Chromium, its own data
// directory and keychain namespace); Bob is a second profile driven by
// `sealctl --data DIR` (another data directory, so another keychain
// namespace), logged in to the same account on the same Dovecot. Between
// them there is nothing but the IMAP server: the team folder's records
// and the Sent folder.
//
// What a person sees is asserted in the DOM: the same ticket number, Bob's
// owner, state and history arriving in Anna's ticket view, the composer's
// "answered meanwhile" notice with Bob's answer before anything is sent,
// and who is told when two changes collide.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startApp } from './harness.mjs'
import { env, fetchMailbox, lmtpDeliver, servicesUp } from './mailkit.mjs'

const root = resolve(import.meta.dirname, '../..')
const sealctlBinary = process.env.SEALDESK_SEALCTL ?? join(root, 'build/bin/sealctl')
const UNTIL = '2031-05-06'
// The mailboxes are shared with the other tests of the run: ours are found by a token.
const token = Date.now().toString(36)
const subject = `Badge reader at the door refuses every badge (ref ${token})`
const questionID = `e2e-team-${token}@example.test`
const anna = { name: 'Anna Agent', address: 'anna@desk.test' }
const bob = { name: 'Bob', address: 'bob@desk.test' }

/** Runs sealctl on Bob's profile; returns {status, stdout, stderr}. */
function sealctl(dir, ...args) {
  const r = spawnSync(sealctlBinary, ['--data', dir, ...args], { encoding: 'utf8', timeout: 60_000 })
  if (r.error) throw r.error
  return r
}

/** sealctl that must succeed; returns its stdout. */
function sealctlOK(dir, ...args) {
  const r = sealctl(dir, ...args)
  assert.equal(r.status, 0, `sealctl ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

/** Polls fn until it returns a truthy value; the error says what was last seen. */
async function until(what, fn, timeout = 60_000) {
  const deadline = Date.now() + timeout
  let last
  for (;;) {
    last = await fn()
    if (last?.ok ?? last) return last
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last?.seen ?? last)}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** s as a regular expression matching itself. */
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The messages of user's mailbox whose text contains needle. */
const mailsWith = (user, mailbox, needle) => fetchMailbox(user, mailbox).filter((m) => m.includes(needle))

describe('two agents on one mailbox', { skip: !servicesUp() && 'no Dovecot/Postfix: run under scripts/with-services.sh' }, () => {
  let app
  let bobDir
  let number = 0
  const shots = process.env.SEALDESK_SCREENSHOT_DIR

  /** Bob's view of our ticket, from `sealctl tickets --json`. */
  const bobsTicket = () => JSON.parse(sealctlOK(bobDir, 'tickets', '--json')).find((t) => t.subject === subject)
  const bobSync = () => sealctlOK(bobDir, 'sync', '--once')

  /** Nothing of Anna's answer text went out: not in the outbox, not sent, not in Sent. */
  async function nothingSent(text) {
    assert.deepEqual(await app.page.evaluate(() => window.go.app.Compose.Outbox()), [])
    assert.deepEqual(mailsWith(env.helpdesk, 'Sent', text), [])
    assert.deepEqual(mailsWith(env.customer, 'INBOX', text), [])
  }

  /** Anna presses "Send anyway": her answer reaches the customer once and Sent once; returns that copy. */
  async function sendAnywayOnce(text) {
    const { page } = app
    await page.getByTestId('compose-send').click()
    await page.locator('[data-testid="compose-progress"][data-step="saved"]').waitFor({ timeout: 30_000 })
    await page.getByTestId('composer').waitFor({ state: 'detached' })
    await until("Anna's answer at the customer's", () => mailsWith(env.customer, 'INBOX', text).length > 0)
    assert.equal(mailsWith(env.customer, 'INBOX', text).length, 1)
    const copies = mailsWith(env.helpdesk, 'Sent', text)
    assert.equal(copies.length, 1)
    return copies[0]
  }

  before(async () => {
    if (!existsSync(sealctlBinary)) throw new Error(`${sealctlBinary} is missing: run make sealctl (or set SEALDESK_SEALCTL)`)
    app = await startApp()
    const { page } = app
    const go = (svc, method, req) =>
      page.evaluate(([s, m, r]) => (r === undefined ? window.go.app[s][m]() : window.go.app[s][m](r)), [svc, method, req])
    await go('Settings', 'SetAgent', anna)
    await go('Groups', 'Save', {
      id: 0, name: 'Helpdesk', sender_address: `Helpdesk <${env.helpdesk}>`, default_sign: false, default_encrypt: false,
      technology: 'S/MIME', autocrypt: false,
    })
    // Saving the account starts the app's background sync, team desk on (the default).
    await go('Accounts', 'Save', {
      name: 'desk', imap: env.imapAddr, imap_tls: 'none', smtp: env.smtpAddr, smtp_tls: 'none',
      username: env.helpdesk, password: env.helpdeskPassword, pinned_cert: '', smtp_pinned_cert: '',
    })

    bobDir = mkdtempSync(join(tmpdir(), 'sealdesk-bob-'))
    const pass = `${bobDir}.pass`
    writeFileSync(pass, env.helpdeskPassword)
    sealctlOK(bobDir, 'account', 'add', 'desk', '--imap', env.imapAddr, '--tls', 'none', '--user', env.helpdesk,
      '--password-file', pass, '--smtp', `smtp://${env.smtpAddr}`, '--smtp-tls', 'none')
    rmSync(pass)
    sealctlOK(bobDir, 'agent', 'set', bob.name, bob.address)

    await lmtpDeliver(
      `From: Carol Customer <${env.customer}>\r\nTo: ${env.helpdesk}\r\nSubject: ${subject}\r\nMessage-ID: <${questionID}>\r\n` +
        `Date: ${new Date().toUTCString()}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nNo badge opens the door since this morning.\r\n`,
      env.helpdesk,
      env.customer,
    )
  })

  after(async () => {
    assert.deepEqual(app?.pageErrors ?? [], [])
    await app?.stop()
    if (bobDir) rmSync(bobDir, { recursive: true, force: true })
  })

  it('both profiles sync the mailbox and show the same team number', async () => {
    const { page } = app
    await app.waitForSyncIdle(60_000)
    bobSync()
    const t = bobsTicket()
    assert.ok(t, 'Bob does not have the ticket after sealctl sync --once')
    number = t.number
    assert.ok(number > 0, JSON.stringify(t))
    // Anna's laptop numbered the ticket too; whichever claim came first
    // won on both (docs/team.md rule 1), read by Anna's next team pass.
    await page.getByTestId('ticket-list').getByText(subject, { exact: true }).click()
    const view = page.getByTestId('ticket-view')
    await view.getByRole('heading', { name: subject }).waitFor()
    await until(`Anna's view to show #${number}`, async () => {
      const shown = await view.getByTestId('ticket-number').textContent()
      return { ok: shown === `#${number}`, seen: shown }
    })
    // And the list row says the same.
    const row = page.getByTestId('ticket-row').filter({ hasText: subject })
    assert.match(await row.textContent(), new RegExp(`#?${number}\\b`))
  })

  it("Bob takes the ticket and sets it pending: Anna sees owner, state and history naming Bob", async () => {
    const { page } = app
    sealctlOK(bobDir, 'ticket', 'assign', String(number), bob.address)
    sealctlOK(bobDir, 'ticket', 'state', String(number), 'pending', '--until', UNTIL)
    const b = bobsTicket()
    assert.equal(b.owner, bob.address)
    assert.equal(b.state, 'pending')
    assert.equal(b.pending_until, UNTIL)

    // Anna's app reads the records on its team poll (every 20 s) and
    // reloads the open ticket.
    const view = page.getByTestId('ticket-view')
    await until("Bob's change in Anna's view", async () => {
      const seen = await page.evaluate(() => ({
        owner: document.querySelector('[data-testid=ticket-owner]')?.value,
        state: document.querySelector('[data-testid=ticket-state]')?.value,
        until: document.querySelector('[data-testid=ticket-until]')?.value,
        history: [...document.querySelectorAll('[data-testid=history-row]')].map((r) => r.textContent.replace(/\s+/g, ' ').trim()),
      }))
      const ok =
        seen.owner === bob.address &&
        seen.state === 'pending' &&
        seen.until === UNTIL &&
        seen.history.some((r) => r.includes('Bob assigned it to Bob')) &&
        seen.history.some((r) => r.includes(`Bob set the state to pending until ${UNTIL}`))
      return { ok, seen }
    })
    // The owner select names him as the team's records do.
    const owner = view.getByTestId('ticket-owner')
    assert.equal(await owner.locator('option:checked').textContent(), `${bob.name} <${bob.address}>`)
    // The list reloaded too: the row shows his name and the reminder.
    const row = page.getByTestId('ticket-row').filter({ hasText: subject })
    await until('the list row to show Bob and the reminder', async () => {
      const seen = { owner: (await row.getByTestId('ticket-row-owner').allTextContents())[0], text: (await row.allTextContents())[0] ?? '' }
      return { ok: seen.owner === bob.name && seen.text.includes(`pending until ${UNTIL}`), seen }
    }, 10_000)
  })

  it('Anna writes a reply while Bob answers: the notice shows his answer before anything is sent; Send anyway sends once', async () => {
    const { page } = app
    // Short lines: a reply's text must reach the raw mail unwrapped, to be found there.
    const annaText = `Please hold your badge flat on the reader for 2 s. ref ${token}`
    const bobText = `We replaced the reader's power supply: it opens again. ref ${token}`
    const view = page.getByTestId('ticket-view')
    await view.getByTestId('article').first().getByTestId('reply').click()
    const composer = page.getByTestId('composer')
    await composer.waitFor()
    await page.getByTestId('compose-text').fill(`${annaText}\n${await page.getByTestId('compose-text').inputValue()}`)

    // Meanwhile Bob answers from his laptop: through the submission
    // server to the customer, its copy in the mailbox's Sent folder.
    const eml = join(bobDir, 'answer.eml')
    writeFileSync(
      eml,
      `From: Helpdesk <${env.helpdesk}>\r\nTo: ${env.customer}\r\nSubject: Re: ${subject} [Ticket#${number}]\r\n` +
        `In-Reply-To: <${questionID}>\r\nReferences: <${questionID}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${bobText}\r\n`,
    )
    const sent = sealctlOK(bobDir, 'send', eml)
    assert.match(sent, /copy saved in Sent/)
    const bobsCopy = await until("Bob's answer in Sent", () => mailsWith(env.helpdesk, 'Sent', bobText).at(0))
    assert.match(bobsCopy, /^X-SealDesk-Agent: "?Bob"? <bob@desk\.test>\r?$/m)

    // Anna presses Send: the composer shows Bob's answer instead of sending.
    await page.getByTestId('compose-send').click()
    const notice = composer.getByRole('alert').filter({ hasText: 'send anyway?' })
    await notice.waitFor({ timeout: 30_000 })
    assert.match(await notice.textContent(), /^Bob answered this ticket at \d{1,2}:\d\d(\s?[AP]M)? \(shown below\) — send anyway\?/)
    const shown = notice.getByTestId('compose-meanwhile-article')
    assert.equal(await shown.count(), 1)
    assert.match(await shown.textContent(), new RegExp(`Bob.*Re: ${escape(subject)} \\[Ticket#${number}\\]`, 's'))
    // The answer itself is shown, for Anna to read before deciding.
    await shown.frameLocator('[data-testid=mail-frame]').getByText(bobText).waitFor({ timeout: 15_000 })
    assert.equal(await page.getByTestId('compose-send').textContent(), 'Send anyway')
    assert.equal((await page.getByTestId('compose-progress').textContent()).trim(), '', 'the notice, not a "Not sent" error, says what happened')
    if (shots) {
      await page.getByTestId('compose-send').scrollIntoViewIfNeeded()
      await notice.scrollIntoViewIfNeeded()
      mkdirSync(shots, { recursive: true })
      await page.screenshot({ path: join(shots, 'answered-meanwhile.png') })
    }
    await nothingSent(annaText)

    // Send anyway: sent once, its copy in Sent once.
    const annasCopy = await sendAnywayOnce(annaText)
    assert.match(annasCopy, /^X-SealDesk-Agent: "?Anna Agent"? <anna@desk\.test>\r?$/m)
    assert.equal(mailsWith(env.customer, 'INBOX', bobText).length, 1)
  })

  it('Bob changes the state from a view Anna already changed: only Bob is told, and both show Anna\'s', async () => {
    const { page } = app
    const view = page.getByTestId('ticket-view')
    // The same view on both laptops.
    bobSync()
    const before = bobsTicket()
    assert.equal(await view.getByTestId('ticket-state').inputValue(), before.state)

    // Anna closes the ticket (written to the team folder at once); Bob,
    // who has not synced since, reopens it from the view he had.
    await view.getByTestId('ticket-state').selectOption('closed')
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid=history-row]')].some((r) => r.textContent.includes('Anna Agent set the state to closed')),
    )
    const r = sealctl(bobDir, 'ticket', 'state', String(number), 'open')
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stderr, new RegExp(`^sealctl: Anna Agent <anna@desk\\.test> set state "closed" on #${number} .*; your change \\("open"\\) was not applied$`, 'm'))
    const b = bobsTicket()
    assert.equal(b.state, 'closed')
    assert.equal(b.history.at(-1).outcome, 'lost')

    // Anna's app reads Bob's record (lost) on its next team pass: her view
    // keeps closed, the history shows his change as not applied, and she
    // is told nothing.
    await until("Bob's lost change in Anna's history", async () => {
      const rows = await view.getByTestId('history-row').allTextContents()
      return { ok: rows.some((x) => /Bob set the state to open.*not applied/s.test(x)), seen: rows }
    })
    assert.equal(await view.getByTestId('ticket-state').inputValue(), 'closed')
    assert.equal(await page.getByTestId('team-conflict').count(), 0)
  })

  it('Anna changes the state from a view Bob already changed: only Anna is told, and both show Bob\'s', async () => {
    const { page } = app
    const view = page.getByTestId('ticket-view')
    bobSync()
    assert.equal(bobsTicket().state, 'closed')
    // Anna's laptop pauses its sync (asleep, or between two team polls),
    // so both laptops act from the view they share now.
    await page.evaluate(() => window.go.app.Sync.Stop({}))
    sealctlOK(bobDir, 'ticket', 'state', String(number), 'open')
    await view.getByTestId('ticket-state').selectOption('pending')
    const conflict = page.getByTestId('team-conflict')
    await conflict.waitFor({ timeout: 30_000 })
    assert.match(await conflict.textContent(), /Bob reopened this ticket (just now|\d+ s ago); your change was not applied\./)
    await page.waitForFunction(() => document.querySelector('[data-testid=ticket-state]')?.value === 'open')
    await page.evaluate(() => window.go.app.Sync.Start({ account: '' }))

    // Bob reads Anna's lost record and is told nothing.
    const r = sealctl(bobDir, 'sync', '--once')
    assert.equal(r.status, 0, r.stderr)
    assert.doesNotMatch(r.stdout + r.stderr, /not applied/)
    const b = bobsTicket()
    assert.equal(b.state, 'open')
    assert.ok(b.history.some((h) => h.agent === anna.address && h.value.startsWith('pending') && h.outcome === 'lost'), JSON.stringify(b.history))
    assert.equal(await view.getByTestId('ticket-state').inputValue(), 'open')
  })

  it("Bob pressed Send a moment before Anna on a new ticket: his reply claim stops hers; Send anyway sends once", async () => {
    const { page } = app
    const subject2 = `Door camera shows only snow (ref ${token})`
    const question2 = `e2e-claim-${token}@example.test`
    const annaText = `Please restart the camera's switch port. claim ${token}`
    await lmtpDeliver(
      `From: Carol Customer <${env.customer}>\r\nTo: ${env.helpdesk}\r\nSubject: ${subject2}\r\nMessage-ID: <${question2}>\r\n` +
        `Date: ${new Date().toUTCString()}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe door camera shows only snow.\r\n`,
      env.helpdesk,
      env.customer,
    )
    await page.getByTestId('ticket-list').getByText(subject2, { exact: true }).click({ timeout: 60_000 })
    const view = page.getByTestId('ticket-view')
    await view.getByRole('heading', { name: subject2 }).waitFor()
    await view.getByTestId('article').first().getByTestId('reply').click()
    const composer = page.getByTestId('composer')
    await composer.waitFor()
    await page.getByTestId('compose-text').fill(`${annaText}\n${await page.getByTestId('compose-text').inputValue()}`)

    // Bob pressed Send on his laptop a second ago, from the view Anna has
    // (the question alone): his app's reply record (docs/team.md "Reply
    // claims") reached the team folder first, as its APPEND would; his
    // answer is not in Sent yet. doveadm save stores it as the server
    // stores an APPEND, with the next UID.
    const at = new Date(Date.now() - 1000)
    const body = JSON.stringify({ root: question2, seen: question2, articles: 1, agent: bob.address, at: at.toISOString() })
    const record =
      `From: "${bob.name}" <${bob.address}>\r\nDate: ${at.toUTCString().replace('GMT', '+0000')}\r\n` +
      `Message-ID: <team.e2e-claim-${token}@sealdesk.invalid>\r\nSubject: [SealDesk v1 reply] ${question2}\r\n` +
      `X-SealDesk-Record: v1 reply\r\nMIME-Version: 1.0\r\nContent-Type: application/json; charset=utf-8\r\n\r\n${body}\r\n`
    execFileSync('doveadm', ['-c', env.dovecotConf, 'save', '-u', env.helpdesk, '-m', 'SealDesk/Team'], { input: record })

    // Anna presses Send: her claim comes after Bob's, so the composer
    // names him and sends nothing.
    await page.getByTestId('compose-send').click()
    const notice = composer.getByTestId('compose-reply-claim')
    await notice.waitFor({ timeout: 30_000 })
    assert.match(
      (await notice.textContent()).trim(),
      /^Bob started sending an answer to this ticket \d+ s ago\. Their answer is not in Sent yet — send anyway\?$/,
    )
    assert.equal(await page.getByTestId('compose-send').textContent(), 'Send anyway')
    if (shots) {
      await notice.scrollIntoViewIfNeeded()
      mkdirSync(shots, { recursive: true })
      await page.screenshot({ path: join(shots, 'reply-claimed.png') })
    }
    await nothingSent(annaText)

    // Send anyway acknowledges Bob's claim: sent once.
    await sendAnywayOnce(annaText)
  })
})
