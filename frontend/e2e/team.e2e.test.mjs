// End-to-end: the team desk in the ticket view, over the demo mailbox
// (whose account has team records on, so every change below is written to
// its SealDesk/Team folder and read back). The agent sets their identity
// in Settings, assigns a ticket to themselves, sets it pending with a
// reminder date, and the ticket shows owner, state and the history of
// both changes; the list's owner filter finds it.
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startApp } from './harness.mjs'

const SUBJECT = 'Printer on floor 3 prints blank pages'

describe('team desk', () => {
  let app
  before(async () => {
    app = await startApp()
    await app.page.evaluate(() => window.go.app.Demo.Start({}))
    await app.page.waitForFunction(
      async () => (await window.go.app.Tickets.List({ search: '', state: '', group_id: 0, security: '', unread: false, owner: '', offset: 0, limit: 50 })).total === 8,
      null,
      { timeout: 60_000, polling: 250 },
    )
  })
  after(async () => {
    await app?.stop()
  })

  it('sets the agent identity in Settings', async () => {
    const page = app.page
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('agent-name').fill('Anna Agent')
    await page.getByTestId('agent-address').fill('anna@desk.test')
    await page.getByTestId('agent-save').click()
    await page.getByTestId('agent-saved').waitFor()
    const v = await page.evaluate(() => window.go.app.Settings.Get())
    assert.equal(v.agent_address, 'anna@desk.test')
  })

  it('assigns a ticket to me and sets it pending with a reminder date; owner, state and history show', async () => {
    const page = app.page
    await page.getByTestId('nav-tickets').click()
    await page.getByTestId('ticket-list').getByText(SUBJECT, { exact: true }).click()
    const view = page.getByTestId('ticket-view')
    await view.getByRole('heading', { name: SUBJECT }).waitFor()

    await view.getByTestId('assign-me').click()
    await page.waitForFunction(() => document.querySelector('[data-testid=ticket-owner]')?.value === 'anna@desk.test')
    await view.getByTestId('ticket-state').selectOption('pending')
    await view.getByTestId('ticket-until').waitFor()
    await view.getByTestId('ticket-until').fill('2031-05-06')
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=history-row]')].some((r) => r.textContent.includes('2031-05-06')))

    const rows = await view.getByTestId('history-row').allTextContents()
    const mine = rows.filter((r) => r.includes('Anna Agent'))
    assert.ok(mine.some((r) => /assigned it to Anna Agent/.test(r)), `assignment in history: ${rows}`)
    assert.ok(mine.some((r) => /set the state to pending until 2031-05-06/.test(r)), `state in history: ${rows}`)
    assert.equal(await view.getByTestId('ticket-state').inputValue(), 'pending')
    assert.equal(await view.getByTestId('ticket-until').inputValue(), '2031-05-06')

    // The team's record says so too: the Go side read its own records back.
    const t = await page.evaluate(async (subject) => {
      const q = { search: subject, state: '', group_id: 0, security: '', unread: false, owner: 'anna@desk.test', offset: 0, limit: 5 }
      return (await window.go.app.Tickets.List(q)).tickets[0]
    }, SUBJECT)
    assert.equal(t?.owner, 'anna@desk.test')
    assert.equal(t?.pending_until, '2031-05-06')
    const h = await page.evaluate((id) => window.go.app.Tickets.Get({ id }).then((v) => v.history), t.id)
    assert.deepEqual(
      h.filter((x) => x.field !== 'number').map((x) => [x.field, x.outcome]),
      [['owner', 'applied'], ['state', 'applied'], ['state', 'applied']],
    )
  })

  it('filters the list by owner: mine and unassigned', async () => {
    const page = app.page
    await page.getByTestId('filter-owner').selectOption({ label: 'Mine' })
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=ticket-row]').length === 1)
    assert.equal(await page.getByTestId('ticket-row-owner').first().textContent(), 'me')
    await page.getByTestId('filter-owner').selectOption({ label: 'Unassigned' })
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=ticket-row]').length === 7)
  })
})
