import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ComposeStore } from '../../stores/compose.svelte'
import Composer from './Composer.svelte'
import { carriedFix, draft, fakeApi, groups, readiness } from './testing'

const noEvents = () => () => {}

describe('Composer', () => {
  afterEach(cleanup)

  it('opens with the group defaults and shows per recipient why Encrypt is off, with the fix', async () => {
    const api = fakeApi({
      prepare: vi.fn(async () => draft({ encrypt: false })),
      readiness: vi.fn(async () =>
        readiness({ 'ann@example.org': 'no certificate for ann@example.org: ask them for a signed message, or import their certificate' }),
      ),
      fixes: vi.fn(async () => [carriedFix()]),
    })
    const store = new ComposeStore(api, { list: async () => groups }, noEvents)
    render(Composer, { intent: { mode: 'reply', ticketId: 7, articleId: 3 }, onClose: () => {}, store })
    const encrypt = (await screen.findByTestId('compose-encrypt')) as HTMLInputElement
    expect((screen.getByTestId('compose-sign') as HTMLInputElement).checked).toBe(true)
    expect((screen.getByTestId('compose-group') as HTMLSelectElement).value).toBe('1')
    await waitFor(() => expect(encrypt.disabled).toBe(true))
    expect(screen.getByTestId('encrypt-why').textContent).toContain('no certificate for ann@example.org')
    await fireEvent.click(await screen.findByTestId('fix-import-carried'))
    expect(api.importCarried).toHaveBeenCalledWith(7, 'ann@example.org', 'S/MIME')
  })

  it('marks a bad address, then sends and shows the result', async () => {
    const api = fakeApi()
    const store = new ComposeStore(api, { list: async () => groups }, noEvents)
    render(Composer, { intent: { mode: 'reply', ticketId: 7, articleId: 3 }, onClose: () => {}, store })
    const to = await screen.findByTestId('compose-to')
    await fireEvent.input(to, { target: { value: 'not-an-address' } })
    await fireEvent.keyDown(to, { key: 'Enter' })
    expect((await screen.findByRole('alert')).textContent).toContain('is not an e-mail address')
    await waitFor(() => expect((screen.getByTestId('compose-send') as HTMLButtonElement).disabled).toBe(false))
    await fireEvent.click(screen.getByTestId('compose-send'))
    await waitFor(() => expect(screen.getByTestId('compose-progress').dataset.step).toBe('saved'))
    expect(vi.mocked(api.send).mock.calls[0][1]).toMatchObject({ to: ['Ann <ann@example.org>'], sign: true, encrypt: true, technology: 'S/MIME' })
  })

  it("shows another agent's reply claim with Send anyway, which acknowledges it", async () => {
    const claim = { uid: 41, agent: 'bob@desk.test', name: 'Bob', at: '2026-06-02T10:42:00Z' }
    const api = fakeApi()
    vi.mocked(api.send).mockRejectedValueOnce({ code: 'reply_claimed', message: 'Bob started sending an answer to this ticket 3 s ago.', claim })
    const store = new ComposeStore(api, { list: async () => groups }, noEvents)
    render(Composer, { intent: { mode: 'reply', ticketId: 7, articleId: 3 }, onClose: () => {}, store })
    const send = (await screen.findByTestId('compose-send')) as HTMLButtonElement
    await waitFor(() => expect(send.disabled).toBe(false))
    await fireEvent.click(send)
    expect((await screen.findByTestId('compose-reply-claim')).textContent).toContain('Bob started sending an answer to this ticket 3 s ago.')
    expect(send.textContent?.trim()).toBe('Send anyway')
    expect(screen.getByTestId('compose-progress').dataset.step).toBe('')
    await fireEvent.click(send)
    await waitFor(() => expect(screen.getByTestId('compose-progress').dataset.step).toBe('saved'))
    expect(vi.mocked(api.send).mock.calls[1][1].seen.reply_uid).toBe(41)
    expect(screen.queryByTestId('compose-reply-claim')).toBeNull()
  })

  it('keeps the draft when Escape closes it', async () => {
    const api = fakeApi()
    const onClose = vi.fn()
    const store = new ComposeStore(api, { list: async () => groups }, noEvents)
    render(Composer, { intent: { mode: 'reply', ticketId: 7, articleId: 3 }, onClose, store })
    const text = (await screen.findByTestId('compose-text')) as HTMLTextAreaElement
    await fireEvent.input(text, { target: { value: 'Work in progress' } })
    await fireEvent.keyDown(screen.getByTestId('composer'), { key: 'Escape' })
    await waitFor(() => expect(onClose).toHaveBeenCalled())
    expect(vi.mocked(api.saveDraft).mock.calls[0][0]).toMatchObject({ text: 'Work in progress' })
  })
})
