import { cleanup, fireEvent, render, screen } from '@testing-library/svelte'
import { afterEach, describe, expect, it } from 'vitest'
import type { SettingsApi } from '../api'
import type { UpdateIntegrationsRequest } from '../api/types'
import { SettingsStore } from '../stores/settings.svelte'
import SettingsScreen from './SettingsScreen.svelte'

afterEach(cleanup)

describe('SettingsScreen', () => {
  it('shows the version and sends a toggle to Go', async () => {
    const sent: UpdateIntegrationsRequest[] = []
    let view = {
      smime_enabled: true,
      pgp_enabled: true,
      trust_system_roots: false,
      smime_aes_gcm: false,
      team_auto_accept_keys: false,
      data_dir: '/data',
      version: 'v1.2.3',
      keychain: { ok: true, service: 'SealDesk/p', message: '' },
      agent_name: '',
      agent_address: '',
    }
    const api: SettingsApi = {
      get: async () => view,
      updateIntegrations: async (req) => {
        sent.push(req)
        return (view = { ...view, ...req })
      },
      checkKeychain: async () => view.keychain,
      setAgent: async (agent_name, agent_address) => (view = { ...view, agent_name, agent_address }),
    }
    const store = new SettingsStore(api)
    await store.load()
    render(SettingsScreen, { store })
    expect(screen.getByTestId('about-version').textContent).toBe('v1.2.3')
    expect(screen.getByTestId('keychain-ok')).toBeTruthy()
    const roots = screen.getByTestId('toggle-trust_system_roots') as HTMLInputElement
    expect(roots.checked).toBe(false)
    await fireEvent.click(roots)
    expect(sent).toEqual([{ trust_system_roots: true }])
  })

  it('applies and remembers the theme choice', async () => {
    const view = {
      smime_enabled: true,
      pgp_enabled: true,
      trust_system_roots: false,
      smime_aes_gcm: false,
      team_auto_accept_keys: false,
      data_dir: '/data',
      version: 'v1',
      keychain: { ok: true, service: 's', message: '' },
      agent_name: '',
      agent_address: '',
    }
    const saved = new Map<string, string>([['sealdesk.theme', 'dark']])
    const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) }
    const store = new SettingsStore({ get: async () => view, updateIntegrations: async () => view, checkKeychain: async () => view.keychain, setAgent: async () => view }, storage)
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark')
    await store.load()
    render(SettingsScreen, { store })
    expect((screen.getByTestId('theme-dark') as HTMLInputElement).checked).toBe(true)
    await fireEvent.click(screen.getByTestId('theme-light'))
    expect(document.documentElement.getAttribute('data-theme')).toBe('light')
    expect(saved.get('sealdesk.theme')).toBe('light')
    await fireEvent.click(screen.getByTestId('theme-system'))
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false)
    expect(saved.get('sealdesk.theme')).toBe('system')
  })
})
