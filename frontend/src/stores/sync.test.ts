import { describe, expect, it, vi } from 'vitest'
import type { SyncApi } from '../api'
import type { SyncProgress, SyncStatus } from '../api/types'
import { formatRemaining, SyncStore } from './sync.svelte'

function fakeBus() {
  const handlers = new Map<string, (p: unknown) => void>()
  const subscribe = vi.fn((name: string, cb: (p: never) => void) => {
    handlers.set(name, cb as (p: unknown) => void)
    return () => handlers.delete(name)
  })
  return { subscribe, emit: (name: string, p: unknown) => handlers.get(name)?.(p), handlers }
}

let seq = 0
const status = (state: string, message = ''): SyncStatus => ({ running: state !== 'stopped', state, account: '', message, seq: ++seq })
const api = (s = status('stopped')): SyncApi => ({
  start: vi.fn(async () => status('connecting')),
  stop: vi.fn(async () => status('stopped')),
  status: vi.fn(async () => s),
})

describe('SyncStore', () => {
  it('shows progress as a percentage while syncing and drops it when the pass ends', async () => {
    const bus = fakeBus()
    const s = new SyncStore(api(), bus.subscribe, { list: async () => [{} as never] })
    const off = s.listen()
    await vi.waitFor(() => expect(s.view.kind).toBe('stopped'))
    bus.emit('sync:state', status('syncing'))
    expect(s.view).toEqual({ kind: 'syncing', progress: null, percent: null })
    const p: SyncProgress = { account: 'a', mailbox: 'INBOX', done: 250, total: 1000, rate: 50, remaining_seconds: 15 }
    bus.emit('sync:progress', p)
    expect(s.view).toMatchObject({ kind: 'syncing', percent: 25 })
    bus.emit('sync:state', status('idle'))
    expect(s.view.kind).toBe('idle')
    expect(s.progress).toBeNull()
    off()
    expect(bus.handlers.size).toBe(0)
  })

  it('reports offline with the reason, and restarts on request', async () => {
    const bus = fakeBus()
    const a = api()
    const s = new SyncStore(a, bus.subscribe, { list: async () => [{} as never] })
    s.listen()
    bus.emit('sync:state', status('offline', 'The mail server does not answer.'))
    expect(s.view).toEqual({ kind: 'offline', message: 'The mail server does not answer.' })
    await s.start()
    expect(a.start).toHaveBeenCalledWith('')
    expect(s.view.kind).toBe('connecting')
  })
})

it('keeps the newest state when events and answers arrive out of order', async () => {
  const bus = fakeBus()
  const syncing = status('syncing')
  const idle = status('idle')
  // The status answer was computed before the pass ended, but arrives after the idle event.
  let answer: (s: SyncStatus) => void = () => {}
  const slow: SyncApi = { ...api(), status: () => new Promise((ok) => (answer = ok)) }
  const s = new SyncStore(slow, bus.subscribe, { list: async () => [{} as never] })
  s.listen()
  bus.emit('sync:state', idle)
  answer(syncing)
  await vi.waitFor(() => expect(s.hasAccounts).toBe(true))
  expect(s.view.kind).toBe('idle')
  // An event overtaken by a newer one (the dev bridge sends each from its own goroutine).
  const offline = status('offline', 'gone')
  const back = status('idle')
  bus.emit('sync:state', back)
  bus.emit('sync:state', offline)
  expect(s.view.kind).toBe('idle')
})

it('says there is no mailbox instead of offering a sync that cannot start', async () => {
  const s = new SyncStore(api(), fakeBus().subscribe, { list: async () => [] })
  s.listen()
  await vi.waitFor(() => expect(s.view.kind).toBe('no-account'))
})

describe('formatRemaining', () => {
  it.each([
    [0, ''],
    [12.4, '12 s'],
    [60, '1 min'],
    [65, '1 min 5 s'],
    [3725, '1 h 2 min'],
  ])('%s seconds → %j', (s, want) => expect(formatRemaining(s)).toBe(want))
})
