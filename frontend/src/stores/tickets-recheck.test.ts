import { afterEach, describe, expect, it, vi } from 'vitest'
import { setEventTransport } from '../events'
import { RecheckStore } from './tickets-recheck.svelte'

afterEach(() => setEventTransport(() => () => {}))

describe('RecheckStore', () => {
  it('asks Go again when a certificate or key changes, and re-runs on demand', async () => {
    const handlers: Record<string, (p: unknown) => void> = {}
    setEventTransport((name, cb) => {
      handlers[name] = cb
      return () => delete handlers[name]
    })
    let count = 3
    const api = { recheckable: vi.fn(async () => count), retryFailed: vi.fn(async () => ((count = 0), 2)) }
    const s = new RecheckStore(api)
    const off = s.listen()
    handlers['certificates:changed']({})
    await vi.waitFor(() => expect(s.count).toBe(3))
    await s.retryAll()
    expect(s.changed).toBe(2)
    expect(s.count).toBe(0)
    handlers['articles:rechecked']({ changed: 4 })
    expect(s.changed).toBe(4)
    off()
    expect(Object.keys(handlers)).toEqual([])
  })
})
