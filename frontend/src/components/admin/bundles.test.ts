import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { BundlesApi } from '../../api'
import type { TeamBundle } from '../../api/types'
import { BundlesStore, bundlePassphraseProblem, exportBundle } from '../../stores/admin/bundles.svelte'
import { goError } from '../../stores/admin/fixtures.test-helpers'
import ExportBundleDialog from './ExportBundleDialog.svelte'
import TeamBundles from './TeamBundles.svelte'

afterEach(cleanup)

const PASS = 'told by phone, not by mail'

function bundle(over: Partial<TeamBundle> = {}): TeamBundle {
  return {
    uid: 7,
    format: 'openpgp',
    fingerprint: '0123456789ABCDEF0123456789ABCDEF01234567',
    addresses: ['support@example.test'],
    label: 'SealDesk Support <support@example.test>',
    agent: 'anna@example.test',
    at: '2026-03-01T10:00:00Z',
    imported: false,
    ...over,
  }
}

function bundlesApi(): Pick<BundlesApi, 'list' | 'importBundle'> {
  return {
    list: vi.fn(async () => [{ account: 'help', bundles: [bundle(), bundle({ uid: 8, format: 'pkcs12', imported: true })] }]),
    importBundle: vi.fn(async (_a: string, _u: number, pass: string) => {
      if (pass !== PASS) throw goError('wrong_passphrase', 'The passphrase is wrong')
      return { bundle: bundle({ imported: true }), keys: { imported: [], merged: [], unchanged: [], secret: ['01'], warnings: [], rechecked: 2 } as never }
    }),
  }
}

describe('bundle passphrase', () => {
  it('needs 12 characters, typed twice the same', () => {
    expect(bundlePassphraseProblem('', '')).toMatch(/Choose a passphrase/)
    expect(bundlePassphraseProblem('eleven char', 'eleven char')).toMatch(/at least 12 characters/)
    expect(bundlePassphraseProblem(PASS, PASS + 'x')).toMatch(/differ/)
    expect(bundlePassphraseProblem(PASS, PASS)).toBe('')
  })

  it('exports to a file or the team folder and says where it went', async () => {
    const api = {
      exportBundle: vi.fn(async (_k: string, req: { to_team: boolean }) =>
        req.to_team ? { path: '', cancelled: false, team: bundle() } : { path: '/home/a/desk.p12', cancelled: false },
      ),
    }
    const file = await exportBundle('certificate', 'AB', PASS, 'file', api as never)
    expect(file).toEqual({ ok: true, message: expect.stringContaining('/home/a/desk.p12') })
    const team = await exportBundle('pgp', 'CD', PASS, 'team', api as never)
    expect(team.ok && team.message).toMatch(/team folder/)
    expect(api.exportBundle).toHaveBeenLastCalledWith('pgp', { fingerprint: 'CD', passphrase: PASS, to_team: true, account: '' })
  })
})

describe('ExportBundleDialog', () => {
  it('refuses a short or mismatched passphrase before calling Go, then sends it once and clears it', async () => {
    const send = vi.fn(async () => ({ ok: true as const, message: 'Left the bundle in the team folder.' }))
    const onDone = vi.fn()
    const onClose = vi.fn()
    render(ExportBundleDialog, { kind: 'pgp', fingerprint: 'CD', name: 'Support', onDone, onClose, send })
    expect(screen.getByTestId('bundle-out-of-band').textContent).toMatch(/phone or in person/)
    const pass = screen.getByTestId('bundle-passphrase') as HTMLInputElement
    const again = screen.getByTestId('bundle-passphrase-again') as HTMLInputElement
    await fireEvent.input(pass, { target: { value: 'too short' } })
    await fireEvent.input(again, { target: { value: 'too short' } })
    await fireEvent.click(screen.getByTestId('bundle-export-submit'))
    expect(screen.getByTestId('bundle-export-error').textContent).toMatch(/at least 12 characters/)
    expect(send).not.toHaveBeenCalled()

    await fireEvent.input(pass, { target: { value: PASS } })
    await fireEvent.input(again, { target: { value: PASS } })
    await fireEvent.click(screen.getByTestId('bundle-to-team'))
    await fireEvent.click(screen.getByTestId('bundle-export-submit'))
    await waitFor(() => expect(onClose).toHaveBeenCalled())
    expect(send).toHaveBeenCalledWith(PASS, 'team')
    expect(onDone).toHaveBeenCalledWith('Left the bundle in the team folder.')
    expect(pass.value).toBe('')
  })
})

describe('TeamBundles', () => {
  it('lists waiting bundles and shows a clear error for a wrong passphrase, then imports', async () => {
    const api = bundlesApi()
    const store = new BundlesStore(api)
    render(TeamBundles, { store })
    const rows = await screen.findAllByTestId('team-bundle-row')
    expect(rows).toHaveLength(1) // the imported one is not waiting
    expect(within(rows[0]).getByText('anna@example.test')).toBeTruthy()

    await fireEvent.click(within(rows[0]).getByTestId('team-bundle-import'))
    const input = screen.getByTestId('team-bundle-passphrase') as HTMLInputElement
    await fireEvent.input(input, { target: { value: 'a wrong passphrase' } })
    await fireEvent.click(screen.getByTestId('team-bundle-submit'))
    const err = await screen.findByTestId('team-bundle-import-error')
    expect(err.textContent).toMatch(/does not open this bundle/)
    expect(input.value).toBe('')

    await fireEvent.input(input, { target: { value: PASS } })
    await fireEvent.click(screen.getByTestId('team-bundle-submit'))
    await waitFor(() => expect(screen.queryByTestId('team-bundle-import-dialog')).toBeNull())
    expect(api.importBundle).toHaveBeenLastCalledWith('help', 7, PASS)
    expect(store.notice).toMatch(/Imported the OpenPGP secret key .* 2 stored articles were checked again/)
    expect(JSON.stringify(store.items)).not.toContain(PASS)
  })
})
