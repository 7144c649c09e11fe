// Errors from Go arrive as a JSON string {code, message} (app.FormatError on
// the Go side), bare in the native webview or wrapped in an Error by the
// browser bridge.
import type { ErrorCode } from './generated'

// The codes are app.ErrorCodes(), generated into ./generated.ts.
export type { ErrorCode }

/**
 * Another agent's reply claim that stopped a send (app.ReplyClaimView; the
 * claim of a reply_claimed error): its uid goes back in the draft's
 * seen.reply_uid to send anyway.
 */
export type ReplyClaim = { uid: number; agent: string; name: string; at: string }

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly claim?: ReplyClaim,
  ) {
    super(message)
    this.name = 'AppError'
  }
}

/** Normalises whatever a rejected binding call produced into an AppError. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e
  if (e && typeof e === 'object' && 'code' in e && 'message' in e) {
    const { code, message, claim } = e as { code: ErrorCode; message: string; claim?: ReplyClaim }
    return new AppError(code, String(message), claim ?? undefined)
  }
  // Wails' browser bridge wraps the rejected JSON string in an Error.
  if (e instanceof Error && e.message.startsWith('{')) return toAppError(e.message)
  if (typeof e === 'string') {
    try {
      return toAppError(JSON.parse(e))
    } catch {
      return new AppError('internal', e)
    }
  }
  return new AppError('internal', e instanceof Error ? e.message : String(e))
}

/** Wraps a binding call so callers only ever see AppError rejections. */
export async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    throw toAppError(e)
  }
}
