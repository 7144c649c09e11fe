import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ComposeIntent } from '../../stores/intent'
import { TicketViewStore } from '../../stores/ticketview.svelte'
import { article, fakeApi } from '../../stores/ticketview.fixtures'
import ArticleCard from './ArticleCard.svelte'
import { band } from './security'

afterEach(cleanup)

describe('ArticleCard', () => {
  it('shows the band outside a sandboxed frame, details on click, and the retry', async () => {
    const api = fakeApi()
    const store = new TicketViewStore(api)
    await store.open(7)
    const intents: ComposeIntent[] = []
    const { container } = render(ArticleCard, { item: article(1), store, onCompose: (i: ComposeIntent) => intents.push(i) })

    const band = screen.getByTestId('security-band')
    expect(screen.getByTestId('band-seal').getAttribute('data-state')).toBe('bad')
    expect(screen.getByTestId('band-seal').title).toContain('issued by CN=Other CA')
    const frame = await waitFor(() => screen.getByTestId('mail-frame'))
    expect(frame.getAttribute('sandbox')).toBe('')
    expect(frame.contains(band) || band.closest('iframe')).toBeFalsy()

    expect(screen.getByTestId('warning-untrusted').textContent).toContain('not issued by a CA you trust')
    expect(screen.queryByTestId('article-details')).toBeNull()
    await fireEvent.click(screen.getByTestId('article-header'))
    const checks = screen.getAllByTestId('check')
    expect(checks.map((c) => c.getAttribute('data-ok'))).toEqual(['true', 'false'])
    expect(checks.map((c) => `${c.getAttribute('data-kind')}:${c.getAttribute('data-reason')}`)).toEqual(['structure:', 'chain:untrusted_chain'])
    expect(screen.getByTestId('band-seal').textContent).toContain('Signer not trusted')
    expect(container.querySelector('.chain')?.textContent).toContain('CN=Other CA')

    expect(screen.getByTestId('remote-blocked').textContent).toContain('Remote content blocked (2)')
    await fireEvent.click(screen.getByTestId('load-remote'))
    expect(api.content).toHaveBeenLastCalledWith(1, true)

    await fireEvent.click(screen.getByTestId('retry'))
    expect(api.retry).toHaveBeenCalledWith(1)
    await fireEvent.click(screen.getByTestId('reply-all'))
    expect(intents).toEqual([{ mode: 'reply-all', ticketId: 7, articleId: 1 }])
  })

  it('lists the links with their destinations, opens one only after a confirmation, and writes to mailto', async () => {
    const api = fakeApi()
    const store = new TicketViewStore(api)
    await store.open(7)
    const intents: ComposeIntent[] = []
    render(ArticleCard, { item: article(1), store, onCompose: (i: ComposeIntent) => intents.push(i) })

    const list = await waitFor(() => screen.getByTestId('links'))
    // A disguised link opens the list by itself, so its warning is seen.
    expect((list as HTMLDetailsElement).open).toBe(true)
    expect(screen.getByTestId('links-warned').textContent).toContain('1 may not go where it says')
    const rows = screen.getAllByTestId('link')
    expect(rows.map((r) => r.querySelector('[data-testid=link-host]')?.textContent)).toEqual(['docs.example', 'evil.example', 'billing@shop.example'])
    expect(screen.getByTestId('link-warning').textContent).toContain('shows bank.example but the link opens evil.example')
    // Above the mail, where it is seen before the text that asks for the click.
    expect(screen.getByTestId('link-warning-banner').textContent).toContain('A link in this message may not go where it says')
    const scrolled = vi.fn()
    Element.prototype.scrollIntoView = scrolled
    ;(list as HTMLDetailsElement).open = false
    await fireEvent.click(screen.getByTestId('show-links'))
    expect((list as HTMLDetailsElement).open).toBe(true)
    expect(scrolled).toHaveBeenCalledTimes(1)
    expect(document.activeElement).toBe(rows[1].querySelector('[data-testid=link-open]'))

    // Open… asks first, naming the full address and the warning; Cancel opens nothing.
    await fireEvent.click(rows[1].querySelector('[data-testid=link-open]')!)
    const dialog = screen.getByTestId('confirm-dialog')
    expect(dialog.textContent).toContain('It opens https://evil.example/login')
    expect(dialog.textContent).toContain('shows bank.example')
    await fireEvent.click(screen.getByText('Cancel'))
    expect(api.openLink).not.toHaveBeenCalled()

    await fireEvent.click(rows[0].querySelector('[data-testid=link-open]')!)
    await fireEvent.click(screen.getByTestId('confirm-ok'))
    await waitFor(() => expect(api.openLink).toHaveBeenCalledWith(1, 'https://docs.example/manual'))
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull())

    await fireEvent.click(rows[2].querySelector('[data-testid=link-write]')!)
    expect(intents).toEqual([{ mode: 'new', to: ['billing@shop.example'] }])
  })
})

describe('band', () => {
  const labels = { seal: 'Signer not trusted', lock: 'Not encrypted' }
  it('names the signer and the key in words', () => {
    const r = article(1).article.security
    expect(band(r, labels, false).map((b) => `${b.kind}:${b.state}`)).toEqual(['seal:bad', 'lock:off'])
    const ok = { ...r, encrypted: true, sign: { ...r.sign, success: true }, encryption: { success: true, comment: '', algorithm: 'AES-256-GCM', key: 'ff', integrity_protected: true } }
    const [seal, lock] = band(ok, { seal: 'Signature valid', lock: 'Decrypted' }, false)
    expect(seal.state).toBe('ok')
    expect(lock.state).toBe('ok')
    expect(lock.title).toContain('Algorithm: AES-256-GCM')
    expect(band(r, labels, true)[0].label).toBe('Not checked yet')
  })

  it('shows the labels Go chose by the codes, and the comment in the tooltip', () => {
    const r = article(1).article.security
    const spoof = { ...r, sign: { ...r.sign, success: false, reason: 'from_name_address', comment: 'Signed by eve@evil.example, but the display name shows boss@corp.example' } }
    const [seal, lock] = band(spoof, { seal: 'the seal label', lock: 'the lock label' }, false)
    expect(seal.state).toBe('bad')
    expect(seal.label).toBe('the seal label')
    expect(lock.label).toBe('the lock label')
    expect(seal.title).toContain('boss@corp.example')
  })

  it('shows a Reply-To or Sender that points elsewhere beside the seal', () => {
    const r = article(1).article.security
    const valid = { ...r, sign: { ...r.sign, success: true }, sender: { from: 'alice@example.org', reply_to: ['pay@evil.example'], agent: 'list@lists.example' } }
    const items = band(valid, labels, false)
    expect(items.map((b) => `${b.kind}:${b.state}`)).toEqual(['seal:ok', 'sender:note', 'lock:off'])
    expect(items[1].label).toBe('Replies go to pay@evil.example · Sent by list@lists.example')
    expect(items[1].title).toContain('a reply would go there')
    const idn = band({ ...valid, sender: { from: 'ceo@b\u00fccher.example', ascii: 'ceo@xn--bcher-kva.example' } }, labels, false)
    expect(idn[1].label).toBe('From ceo@xn--bcher-kva.example')
    expect(band({ ...valid, sender: { from: 'alice@example.org' } }, labels, false).map((b) => b.kind)).toEqual(['seal', 'lock'])
  })

  it('shows a signature around the encryption beside the lock, never as the seal', () => {
    const r = article(1).article.security
    const outer = {
      ...r,
      signed: false,
      encrypted: true,
      encryption: { success: true, comment: '', integrity_protected: true },
      outer_signature: { type: 'S/MIME', sign: { success: true, comment: 'Valid signature', signers: [{ subject: 'CN=Gateway', fingerprint: 'aa', emails: ['gw@example.org'], not_before: null, not_after: null, valid: true }] } },
    }
    const items = band(outer, { seal: 'Not signed', lock: 'Decrypted' }, false)
    expect(items.map((b) => `${b.kind}:${b.state}`)).toEqual(['seal:off', 'lock:ok', 'outer:note'])
    expect(items[0].label).toBe('Not signed')
    expect(items[2].label).toBe('Signed outside the encryption')
    expect(items[2].title).toContain('says nothing about who wrote the text')
    expect(items[2].title).toContain('CN=Gateway')
  })
})
