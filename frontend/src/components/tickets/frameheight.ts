// Estimates the height a mail document needs, for its sandboxed frame: the
// frame runs no scripts, so it cannot measure itself. The document is
// parsed inertly (DOMParser runs no scripts and loads nothing). Plain text
// is counted in lines of as many characters as the width holds; HTML by its
// visible text and its blocks, because the line breaks of an HTML source
// show nowhere; images by their declared height.
const LINE_PX = 21
/** The body's padding (12 px each side) and a line to spare: too short a frame hides text behind a scroll bar. */
const PADDING_PX = 24 + LINE_PX
/** About the width of a character of the 14 px body font. */
const CHAR_PX = 7.4
/** An image without a declared height. */
const IMAGE_PX = 160
/** The frame width assumed when the caller does not know it. */
const FRAME_WIDTH_PX = 600
export const MIN_FRAME_PX = 72
export const MAX_FRAME_PX = 720

const BLOCKS = 'p, div, br, li, tr, h1, h2, h3, h4, h5, h6, blockquote, pre, hr, table, ul, ol'
/** Blocks with a margin of about a line around them. */
const SPACED = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'BLOCKQUOTE', 'PRE', 'UL', 'OL', 'TABLE', 'HR'])

const visibleLength = (el: Node) => (el.textContent ?? '').replace(/\s+/g, ' ').trim().length

/** widthPx is the frame's width: text wraps, and wide images scale, to it. */
export function frameHeight(documentHTML: string, widthPx = FRAME_WIDTH_PX): number {
  const doc = new DOMParser().parseFromString(documentHTML, 'text/html')
  const body = doc.body
  if (!body) return MIN_FRAME_PX
  const width = Math.max(200, widthPx)
  const perLine = Math.floor((width - 24) / CHAR_PX)
  let lines = 0
  for (const part of body.querySelectorAll('.sd-plain')) {
    lines += plainLines(part.textContent ?? '', perLine)
    part.remove()
  }
  lines += htmlLines(body, perLine)
  let px = PADDING_PX + lines * LINE_PX
  for (const img of body.querySelectorAll('img')) px += imageHeight(img, width)
  return Math.min(MAX_FRAME_PX, Math.max(MIN_FRAME_PX, Math.round(px)))
}

/**
 * Lines of an HTML body: each innermost block starts a line of its own and
 * wraps its text; spaced blocks (paragraphs, lists, headings) add their
 * margin; text outside any block (bare text between <br>s) wraps too.
 */
function htmlLines(body: HTMLElement, perLine: number): number {
  let lines = 0
  const leaves = new Set<Element>()
  for (const el of body.querySelectorAll(BLOCKS)) {
    if (el.querySelector(BLOCKS)) continue // counted through its inner blocks
    leaves.add(el)
    lines += Math.max(1, Math.ceil(visibleLength(el) / perLine))
    if (SPACED.has(el.tagName)) lines += 1
  }
  // Text whose nearest block is not an innermost one, or that has none.
  let loose = 0
  const walk = body.ownerDocument.createTreeWalker(body, NodeFilter.SHOW_TEXT)
  for (let t = walk.nextNode(); t; t = walk.nextNode()) {
    const block = t.parentElement?.closest(BLOCKS)
    if (!block || !leaves.has(block)) loose += visibleLength(t)
  }
  if (loose > 0) lines += Math.ceil(loose / perLine)
  return lines
}

function plainLines(text: string, perLine: number): number {
  let lines = 0
  for (const line of text.split('\n')) lines += Math.max(1, Math.ceil(line.trim().length / perLine))
  return lines
}

/**
 * The room an image takes: its declared height scaled to the frame's
 * width, else a typical picture's; an image that shows nothing (its source
 * blocked as remote content, or a 1-pixel tracker) still sits on a line
 * of text of its own, or shares one with its neighbours: half a line.
 */
function imageHeight(img: Element, frameWidth: number): number {
  if (!img.getAttribute('src')) return LINE_PX / 2
  const h = Number.parseFloat(img.getAttribute('height') ?? '')
  const w = Number.parseFloat(img.getAttribute('width') ?? '')
  if (!(h > 0)) return IMAGE_PX
  if (h <= 2) return LINE_PX / 2
  return w > frameWidth ? (h * frameWidth) / w : h
}
