// What the security band says about an article's result, in words; the
// band's icons and tooltips use these, and tests check them.
import type { SecurityResult, Signer } from '../../api/tickets'

export type BandState = 'ok' | 'bad' | 'off'

export interface BandItem {
  kind: 'seal' | 'lock'
  state: BandState
  label: string
  /** The tooltip: the signer and each CA of the chain, or the key used. */
  title: string
}

function signerLine(s: Signer): string {
  const who = s.subject || s.fingerprint || 'unknown signer'
  const mail = s.emails?.length ? ` <${s.emails.join(', ')}>` : ''
  const lines = [`Signer: ${who}${mail}${s.valid ? '' : ' (not valid)'}`]
  for (const ca of s.chain ?? []) lines.push(`  issued by ${ca.subject}${ca.anchor ? ' (trusted root)' : ''}`)
  if (!s.chain?.length && s.comment) lines.push(`  ${s.comment}`)
  return lines.join('\n')
}

/** The band of one article: the seal (signature) and the lock (encryption). */
export function band(r: SecurityResult, pending: boolean): BandItem[] {
  if (pending) return [{ kind: 'seal', state: 'off', label: 'Not checked yet', title: 'The security check runs with the next sync.' }]
  const tech = r.type ? `${r.type} ` : ''
  const seal: BandItem = r.signed
    ? {
        kind: 'seal',
        state: r.sign.success ? 'ok' : 'bad',
        label: r.sign.success ? 'Signature valid' : 'Signature not valid',
        title: [`${tech}${r.sign.success ? 'signature valid' : 'signature NOT valid'}`, ...(r.sign.signers ?? []).map(signerLine), r.sign.success ? '' : r.sign.comment]
          .filter(Boolean)
          .join('\n'),
      }
    : { kind: 'seal', state: 'off', label: 'Not signed', title: 'Not signed: the sender cannot be confirmed.' }
  const lock: BandItem = r.encrypted
    ? {
        kind: 'lock',
        state: r.encryption.success ? 'ok' : 'bad',
        label: r.encryption.success ? 'Decrypted' : 'Not decrypted',
        title: r.encryption.success
          ? [`${tech}encrypted, decrypted`, r.encryption.algorithm && `Algorithm: ${r.encryption.algorithm}`, r.encryption.key && `Our key: ${r.encryption.key}`]
              .filter(Boolean)
              .join('\n')
          : `${tech}encrypted, NOT decrypted\n${r.encryption.comment}`,
      }
    : { kind: 'lock', state: 'off', label: 'Not encrypted', title: 'Not encrypted: anyone on the way could read it.' }
  return [seal, lock]
}
