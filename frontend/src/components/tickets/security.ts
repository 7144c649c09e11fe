// What the security band says about an article's result. The short labels
// of the seal and the lock come from Go (security's wording table, chosen
// by the result's codes: ArticleView.band); nothing here decides by the
// words of a comment. The tooltips add the signer, the chain and the key.
import type { BandLabels, SecurityResult, Signer } from '../../api/tickets'
import { BAND_WORDS } from '../../api/generated'

export type BandState = 'ok' | 'bad' | 'off' | 'note'

export interface BandItem {
  /** sender: where a reply goes, or the From domain in ASCII, beside the seal.
   * outer: a signature around the encryption, which is no seal of the text. */
  kind: 'seal' | 'lock' | 'sender' | 'outer'
  state: BandState
  label: string
  /** The tooltip: the signer and each CA of the chain, or the key used. */
  title: string
}

function signerLine(s: Signer): string {
  const who = s.subject || s.fingerprint || 'unknown signer'
  const mail = s.emails?.length ? ` <${s.emails.join(', ')}>` : ''
  const lines = [`Signer: ${who}${mail}${s.valid ? '' : ' (not valid)'}`]
  if (s.trusted_directly) lines.push(`  ${BAND_WORDS.trustedDirectly}`)
  for (const ca of s.chain ?? []) lines.push(`  issued by ${ca.subject}${ca.anchor ? ' (trusted root)' : ''}`)
  if (!s.chain?.length && s.comment) lines.push(`  ${s.comment}`)
  return lines.join('\n')
}

/** The sender item: a Reply-To or Sender that points elsewhere is
 * legitimate, but a reply goes there, so it stands beside the seal; so does
 * an internationalized From domain in its ASCII form (look-alikes). */
function senderItem(r: SecurityResult): BandItem | null {
  const s = r.sender
  if (!s) return null
  const label: string[] = []
  const title: string[] = []
  if (s.reply_to?.length) {
    label.push(`Replies go to ${s.reply_to.join(', ')}`)
    title.push(`Reply-To points to ${s.reply_to.join(', ')}, not to the sender ${s.from || '(unknown)'}: a reply would go there.`)
  }
  if (s.agent) {
    label.push(`Sent by ${s.agent}`)
    title.push(`The Sender field says ${s.agent} sent it on behalf of ${s.from || 'the From address'}.`)
  }
  if (s.ascii) {
    label.push(`From ${s.ascii}`)
    title.push(`The sender's domain uses international characters: ${s.from} is written ${s.ascii}. Check that it is the domain you expect.`)
  }
  return label.length ? { kind: 'sender', state: 'note', label: label.join(' · '), title: title.join('\n') } : null
}

/** The band of one article: the seal (signature) and the lock (encryption),
 * and beside them the sender item when there is something to say. */
export function band(r: SecurityResult, labels: BandLabels, pending: boolean): BandItem[] {
  if (pending) return [{ kind: 'seal', state: 'off', label: 'Not checked yet', title: 'The security check runs with the next sync.' }]
  const tech = r.type ? `${r.type} ` : ''
  const seal: BandItem = r.signed
    ? {
        kind: 'seal',
        state: r.sign.success ? 'ok' : 'bad',
        label: labels.seal,
        title: [`${tech}${r.sign.success ? 'signature valid' : 'signature NOT valid'}`, ...(r.sign.signers ?? []).map(signerLine), r.sign.success ? '' : r.sign.comment]
          .filter(Boolean)
          .join('\n'),
      }
    : { kind: 'seal', state: 'off', label: labels.seal, title: 'Not signed: the sender cannot be confirmed.' }
  const lock: BandItem = r.encrypted
    ? {
        kind: 'lock',
        state: r.encryption.success ? 'ok' : 'bad',
        label: labels.lock,
        title: r.encryption.success
          ? [`${tech}encrypted, decrypted`, r.encryption.algorithm && `Algorithm: ${r.encryption.algorithm}`, r.encryption.key && `Our key: ${r.encryption.key}`]
              .filter(Boolean)
              .join('\n')
          : `${tech}encrypted, NOT decrypted\n${r.encryption.comment}`,
      }
    : { kind: 'lock', state: 'off', label: labels.lock, title: 'Not encrypted: anyone on the way could read it.' }
  const sender = senderItem(r)
  const items = sender ? [seal, sender, lock] : [seal, lock]
  const o = r.outer_signature
  if (o) {
    // Beside the lock, never the seal: it covers the ciphertext only.
    items.push({
      kind: 'outer',
      state: 'note',
      label: BAND_WORDS.outerLabel,
      title: [`${o.type} signature around the encryption, ${o.sign.success ? 'valid' : 'NOT valid'}: ${BAND_WORDS.outerNote}.`, ...(o.sign.signers ?? []).map(signerLine)].join('\n'),
    })
  }
  return items
}
