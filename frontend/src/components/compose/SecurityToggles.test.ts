import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import { afterEach, describe, expect, it } from 'vitest'
import type { CarriedFix } from '../../api/compose'
import { ComposeStore } from '../../stores/compose.svelte'
import SecurityToggles from './SecurityToggles.svelte'
import { carriedPGPKey, groups, keyChange, pgpFixApi } from './testing'

const noEvents = () => () => {}

// A PGP reply to Ann, whose key SealDesk does not hold, with fix as what
// the ticket's mail offers.
async function renderWith(fix: CarriedFix) {
  const api = pgpFixApi('You have no OpenPGP key for ann@example.org.', fix)
  const store = new ComposeStore(api, { list: async () => groups }, noEvents)
  await store.load({ mode: 'reply', ticketId: 7, articleId: 3 })
  await store.checkNow()
  render(SecurityToggles, { store })
  return api
}

describe('SecurityToggles', () => {
  afterEach(cleanup)

  it('offers the OpenPGP key their mail carried, and Use it accepts it', async () => {
    const api = await renderWith(carriedPGPKey)
    expect(screen.getByTestId('fix-offer').textContent).toBe('Their mail carried an OpenPGP key (…A334 CF98 A2EB D48A, Ann <ann@example.org>, no expiry).')
    const button = screen.getByTestId('fix-import-carried')
    expect(button.textContent).toBe('Use it')
    expect(button.getAttribute('aria-describedby')).toBe(screen.getByTestId('fix-offer').id)
    await fireEvent.click(button)
    await waitFor(() => expect(api.importCarried).toHaveBeenCalledWith(7, 'ann@example.org', 'PGP'))
  })

  it('gives a key change as advice, with nothing to click', async () => {
    await renderWith(keyChange)
    expect(screen.getByTestId('fix-review').textContent).toContain('"Found in mail"')
    expect(screen.queryByTestId('fix-import-carried')).toBeNull()
    expect(screen.queryByTestId('fix-offer')).toBeNull()
  })
})
