// Estimates the height a mail document needs, for its sandboxed frame: the
// frame runs no scripts, so it cannot measure itself. The document is
// parsed inertly (DOMParser runs no scripts and loads nothing) and its text
// counted in lines of about CHARS_PER_LINE characters, block elements
// starting new lines and images adding their own room.
const LINE_PX = 21
const PADDING_PX = 32
const CHARS_PER_LINE = 95
const IMAGE_PX = 160
export const MIN_FRAME_PX = 72
export const MAX_FRAME_PX = 720

const BLOCKS = 'p, div, br, li, tr, h1, h2, h3, h4, h5, h6, blockquote, pre, hr, table'

export function frameHeight(documentHTML: string): number {
  const doc = new DOMParser().parseFromString(documentHTML, 'text/html')
  const body = doc.body
  if (!body) return MIN_FRAME_PX
  let lines = 0
  for (const line of (body.textContent ?? '').split('\n')) {
    lines += Math.max(1, Math.ceil(line.trim().length / CHARS_PER_LINE))
  }
  // In HTML the source's line breaks mean little; its blocks do.
  if (!body.querySelector('.sd-plain')) lines = Math.max(lines, body.querySelectorAll(BLOCKS).length + 1)
  const px = PADDING_PX + lines * LINE_PX + body.querySelectorAll('img').length * IMAGE_PX
  return Math.min(MAX_FRAME_PX, Math.max(MIN_FRAME_PX, px))
}
