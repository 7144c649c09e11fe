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

  it('ignores the line breaks of an HTML source, blocked images and trackers', () => {
    const p = '<p>Dear helpdesk,</p><p>please pay the invoice.</p>'
    const tidy = frameHeight(`<html><body>${p}</body></html>`)
    // The same text, its source spread over many lines and indented.
    const spread = frameHeight(`<html><body>\n\n  <p>\n    Dear helpdesk,\n  </p>\n\n  <p>\n please pay\n the invoice.\n  </p>\n\n\n</body></html>`)
    expect(spread).toBe(tidy)
    // A remote image whose source was removed, and a 1x1 tracker, take a line between them, not a picture's room.
    const withHidden = frameHeight(`<html><body>${p}<img alt=""><img src="data:image/gif;base64,R0lGOD" width="1" height="1"></body></html>`)
    expect(withHidden).toBe(tidy + 21)
    // A declared height counts, scaled down when the image is wider than the frame.
    const tall = frameHeight(`<html><body>${p}<img src="data:image/png;base64,AA" width="1200" height="400"></body></html>`)
    expect(tall).toBe(tidy + 200) // 400 px at 1200 wide, in 600
  })

  it('adds up plain and HTML parts of one document', () => {
    const both = frameHeight(`<html><body><div class="sd-plain">one\ntwo</div><hr class="sd-part"><p>three</p></body></html>`)
    expect(both).toBeGreaterThan(frameHeight(plain('one\ntwo')))
  })
})
