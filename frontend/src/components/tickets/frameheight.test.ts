import { describe, expect, it } from 'vitest'
import { frameHeight, MAX_FRAME_PX, MIN_FRAME_PX } from './frameheight'

const plain = (text: string) => `<html><head><style>.sd-plain{white-space:pre-wrap}</style></head><body><div class="sd-plain">${text}</div></body></html>`

describe('frameHeight', () => {
  it('grows with the lines of a plain-text mail, within bounds', () => {
    const short = frameHeight(plain('Hello\nThanks'))
    const longer = frameHeight(plain(Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n')))
    expect(short).toBeGreaterThanOrEqual(MIN_FRAME_PX)
    expect(longer).toBeGreaterThan(short)
    expect(frameHeight(plain('x\n'.repeat(500)))).toBe(MAX_FRAME_PX)
  })

  it('counts a long unbroken paragraph as several lines', () => {
    expect(frameHeight(plain('word '.repeat(200)))).toBeGreaterThan(frameHeight(plain('word '.repeat(10))))
  })

  it('counts HTML blocks and images, and never runs or loads anything', () => {
    const html = '<html><body><p>a</p><p>b</p><p>c</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEAAAAALAAAAAABAAEAAAIBAAA="><script>window.__ran = 1</script></body></html>'
    expect(frameHeight(html)).toBeGreaterThan(frameHeight('<html><body><p>a</p></body></html>'))
    expect((window as { __ran?: number }).__ran).toBeUndefined()
  })
})
