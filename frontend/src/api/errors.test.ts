import { describe, expect, it } from 'vitest'
import { AppError, call, toAppError } from './errors'

describe('toAppError', () => {
  const wire = JSON.stringify({ code: 'keychain_unavailable', message: 'Unlock your keychain.' })
  it.each([
    ['a JSON string from the native webview', wire],
    ['an Error wrapping the JSON, from the browser bridge', new Error(wire)],
    ['a plain object', { code: 'keychain_unavailable', message: 'Unlock your keychain.' }],
  ])('reads %s', (_, raw) => {
    const e = toAppError(raw)
    expect(e).toBeInstanceOf(AppError)
    expect(e.code).toBe('keychain_unavailable')
    expect(e.message).toBe('Unlock your keychain.')
  })

  it('keeps an unexpected failure readable', () => {
    expect(toAppError(new Error('socket closed'))).toMatchObject({ code: 'internal', message: 'socket closed' })
    expect(toAppError('plain text')).toMatchObject({ code: 'internal', message: 'plain text' })
  })

  it('makes call() reject with AppError only', async () => {
    await expect(call(() => Promise.reject(wire))).rejects.toMatchObject({ code: 'keychain_unavailable' })
  })
})
