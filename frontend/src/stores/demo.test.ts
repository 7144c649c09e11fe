import { describe, expect, it, vi } from 'vitest'
import type { DemoApi } from '../api'
import { AppError } from '../api/errors'
import { DemoStore } from './demo.svelte'

describe('DemoStore', () => {
  it('starts the demo once', async () => {
    const api: DemoApi = { start: vi.fn(async () => ({ running: true, account: 'Demo' })), status: vi.fn() }
    const s = new DemoStore(api)
    await Promise.all([s.start(), s.start()])
    await s.start()
    expect(api.start).toHaveBeenCalledTimes(1)
    expect(s.status).toEqual({ running: true, account: 'Demo' })
    expect(s.starting).toBe(false)
  })

  it('keeps the error code when the profile has an account', async () => {
    const api: DemoApi = {
      start: vi.fn(async () => Promise.reject(new AppError('account_exists', 'already has one'))),
      status: vi.fn(),
    }
    const s = new DemoStore(api)
    await s.start()
    expect(s.error?.code).toBe('account_exists')
    expect(s.status.running).toBe(false)
  })
})
