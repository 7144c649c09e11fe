// Takes the README's screenshots from the dev build in headless Chromium
// (frontend/e2e/harness.mjs), navigating by the app's own means: its
// buttons found by data-testid and its Ctrl+1…8 shortcuts. Before each
// capture it checks that the intended screen is up (a data-testid or the
// screen's heading) and fails otherwise, so a screenshot can no longer
// show one screen under another's name.
//   node frontend/e2e/screenshots.mjs OUTDIR   (scripts/screenshots.sh runs it)
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { startApp } from './harness.mjs'

const out = resolve(process.argv[2] ?? 'docs/screenshots')
mkdirSync(out, { recursive: true })
const app = await startApp()
const { page } = app
const taken = []

/** Waits until ready() holds (the intended screen is up), then captures. */
async function shot(name, ready) {
  try {
    await ready()
  } catch (e) {
    throw new Error(`screenshot ${name}: the intended screen is not up: ${e.message}`)
  }
  await page.waitForTimeout(300) // let transitions and focus rings settle
  await page.screenshot({ path: join(out, `${name}.png`) })
  taken.push(name)
}

const visible = (testid, root = page) => root.getByTestId(testid).first().waitFor({ state: 'visible', timeout: 15_000 })
const heading = (name) => page.getByRole('heading', { level: 1, name, exact: true }).waitFor({ state: 'visible', timeout: 15_000 })

async function openTicket(subject) {
  await page.getByTestId('ticket-list').getByText(subject, { exact: true }).click()
  await page.getByTestId('ticket-view').getByRole('heading', { name: subject }).waitFor()
}

try {
  await shot('empty', () => visible('tickets-empty'))

  // "Try the demo mailbox": a seeded in-memory IMAP server; wait until
  // every ticket is in and checked.
  await page.getByTestId('demo-start').click()
  await page.waitForFunction(
    async () => {
      const q = { search: '', state: '', group_id: 0, security: '', unread: false, offset: 0, limit: 50 }
      const all = await window.go.app.Tickets.List(q)
      const pending = await window.go.app.Tickets.List({ ...q, security: 'pending' })
      return all.total >= 8 && pending.total === 0
    },
    null,
    { timeout: 60_000, polling: 250 },
  )

  // The signed ticket; Reply opens the composer with its per-recipient
  // reasons; Escape keeps the draft and closes it.
  await openTicket('Printer on floor 3 prints blank pages')
  const first = page.getByTestId('article').first()
  await first.getByTestId('reply').click()
  await shot('composer', async () => {
    await visible('composer')
    await visible('compose-security')
  })
  await page.keyboard.press('Escape')
  await page.getByTestId('composer').waitFor({ state: 'hidden', timeout: 15_000 })

  // The first article's header expands every check of its signature.
  await first.getByTestId('article-header').click()
  await shot('tickets', async () => {
    await visible('ticket-view')
    await visible('check', first)
  })

  // The HTML mail that disguises a link: its links listed under it with
  // the real destination and the warning.
  await page.keyboard.press('Control+1')
  await openTicket('Invoice 2026-118: new bank details (HTML)')
  await shot('link-warning', () => visible('link-warning-banner'))

  const screens = [
    ['certificates', 'Control+2', 'Certificates'],
    ['pgp-keys', 'Control+3', 'PGP keys'],
    ['found-in-mail', 'Control+4', /^Found in mail/],
    ['groups', 'Control+5', 'Groups'],
    ['accounts', 'Control+6', 'Accounts'],
    ['recent-logs', 'Control+7', 'Recent Logs'],
    ['settings', 'Control+8', 'Settings'],
  ]
  for (const [name, keys, title] of screens) {
    await page.keyboard.press(keys)
    await shot(name, () => heading(title))
  }
  // A team ticket: this laptop's agent takes the signed ticket and sets
  // it pending with a reminder; owner, state and history show.
  await page.evaluate(() => window.go.app.Settings.SetAgent({ name: 'Anna Agent', address: 'anna@desk.test' }))
  await page.keyboard.press('Control+1')
  await openTicket('Printer on floor 3 prints blank pages')
  const view = page.getByTestId('ticket-view')
  await view.getByTestId('assign-me').click()
  await page.waitForFunction(() => document.querySelector('[data-testid=ticket-owner]')?.value === 'anna@desk.test')
  await view.getByTestId('ticket-state').selectOption('pending')
  await view.getByTestId('ticket-until').fill('2031-05-06')
  await shot('team-ticket', () =>
    page.waitForFunction(() => [...document.querySelectorAll('[data-testid=history-row]')].some((r) => r.textContent.includes('2031-05-06')), null, {
      timeout: 15_000,
    }),
  )
  if (app.pageErrors.length) throw new Error(`errors in the page:\n${app.pageErrors.join('\n')}`)
  console.log(`wrote ${taken.map((n) => n + '.png').join(' ')} to ${out}`)
} catch (e) {
  console.error(String(e.stack ?? e))
  console.error(`app output:\n${app.log.join('').slice(-4000)}`)
  process.exitCode = 1
} finally {
  await app.stop()
}
