import { describe, expect, it } from 'vitest'
import type { SettingsApi } from '../api'
import { AppError } from '../api/errors'
import type { SettingsView, UpdateIntegrationsRequest } from '../api/types'
import { setEventTransport } from '../events'
import { SettingsStore } from './settings.svelte'

const base: SettingsView = {
  smime_enabled: true,
  pgp_enabled: true,
  trust_system_roots: false,
  smime_aes_gcm: false,
  team_auto_accept_keys: false,
  data_dir: '/tmp/x',
  version: 'v0.1.0',
  keychain: { ok: false, service: 'SealDesk/abc', message: 'no Secret Service' },
  agent_name: '',
  agent_address: '',
}

function fakeApi(): SettingsApi {
  let view = structuredClone(base)
  return {
    get: async () => view,
    updateIntegrations: async (req: UpdateIntegrationsRequest) => (view = { ...view, ...req }),
    checkKeychain: async () => ({ ok: true, service: 'SealDesk/abc', message: '' }),
    setAgent: async (name: string, address: string) => {
      if (!address.includes('@')) throw new AppError('invalid', `agent "${name}" <${address}>: want a name and an address`)
      return (view = { ...view, agent_name: name, agent_address: address })
    },
  }
}

describe('SettingsStore', () => {
  it('loads, updates and rechecks the keychain', async () => {
    const s = new SettingsStore(fakeApi())
    await s.load()
    expect(s.view?.keychain.ok).toBe(false)
    await s.update({ smime_enabled: false })
    expect(s.view?.smime_enabled).toBe(false)
    expect(s.view?.pgp_enabled).toBe(true)
    await s.recheckKeychain()
    expect(s.view?.keychain.ok).toBe(true)
  })

  it('sets the agent identity, and shows a refusal as a form error', async () => {
    const s = new SettingsStore(fakeApi())
    await s.load()
    expect(await s.setAgent(' Anna ', ' anna@desk.test ')).toBe(true)
    expect(s.view?.agent_name).toBe('Anna')
    expect(s.view?.agent_address).toBe('anna@desk.test')
    expect(await s.setAgent('Anna', 'nope')).toBe(false)
    expect(s.error?.code).toBe('invalid')
    expect(s.view?.agent_address).toBe('anna@desk.test')
    expect(s.saving).toBe(false)
  })

  it('shows a failed call as an AppError with its code', async () => {
    const api = fakeApi()
    api.get = async () => Promise.reject({ code: 'keychain_unavailable', message: 'unlock it' })
    const s = new SettingsStore(api)
    await s.load()
    expect(s.error?.code).toBe('keychain_unavailable')
    expect(s.error?.message).toBe('unlock it')
  })

  it('follows events from Go and unsubscribes when stopped', async () => {
    const handlers = new Map<string, (p: unknown) => void>()
    setEventTransport((name, cb) => {
      handlers.set(name, cb)
      return () => handlers.delete(name)
    })
    const s = new SettingsStore(fakeApi())
    await s.load()
    const stop = s.listen()
    handlers.get('settings:changed')!({ ...base, pgp_enabled: false })
    expect(s.view?.pgp_enabled).toBe(false)
    handlers.get('keychain:status')!({ ok: true, service: 'SealDesk/abc', message: '' })
    expect(s.view?.keychain.ok).toBe(true)
    stop()
    expect(handlers.size).toBe(0)
  })
})
