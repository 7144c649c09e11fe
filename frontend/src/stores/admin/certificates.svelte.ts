import { certificateFilesApi, certificatesApi, type CertificateFilesApi, type CertificatesApi } from '../../api'
import type { Certificate, ImportResult, SelfSignedAnswer } from '../../api/types'
import type { SelfSignedChoice } from '../../api/generated'
import { on } from '../../events'
import { arr, ListStore, plural, sentence, type Outcome } from './list.svelte'
import { certificateNotes, currentTime, type Note } from './notes'

export type CertificatesStoreApi = CertificatesApi & CertificateFilesApi
const defaultApi: CertificatesStoreApi = { ...certificatesApi, ...certificateFilesApi }

export interface CertificateRow extends Certificate {
  notes: Note[]
}

/**
 * An import that stored nothing yet: it holds self-signed certificates
 * naming an address, and the admin must say whether they are contacts' own
 * certificates or CAs (a contact's certificate must not silently become a
 * CA). The data is public certificate material.
 */
export interface SelfSignedQuestion {
  data: string
  fileName: string
  certificates: Pick<Certificate, 'fingerprint' | 'subject' | 'emails'>[]
}

/**
 * The S/MIME certificate inventory. Passphrases pass through as arguments
 * on their way to Go and are never kept here.
 */
export class CertificatesStore extends ListStore<Certificate> {
  /** The open question of the last certificate import, null when none. */
  question = $state<SelfSignedQuestion | null>(null)

  constructor(
    private api: CertificatesStoreApi = defaultApi,
    private now: () => Date = currentTime,
  ) {
    super()
  }

  protected fetch(): Promise<Certificate[]> {
    return this.api.list()
  }

  get rows(): CertificateRow[] {
    const now = this.now()
    return this.items.map((c) => ({ ...c, notes: certificateNotes(c, now) }))
  }

  listen(): () => void {
    return on('certificates:changed', () => void this.load())
  }

  /**
   * Imports certificates. With selfSigned '' Go stores nothing while a
   * self-signed certificate naming an address is in the file: the outcome
   * is ok with no message and `question` asks the admin; answer() imports
   * again with the answer.
   */
  importCertificates(data: string, fileName: string, selfSigned: SelfSignedAnswer = ''): Promise<Outcome> {
    return this.run(async () => {
      const res = await this.api.importCertificates(data, fileName, selfSigned)
      const ask = arr(res.needs_choice)
      if (ask.length) {
        this.question = { data, fileName, certificates: ask }
        return ''
      }
      this.question = null
      return describeImport(res)
    })
  }

  /** Answers the open question: 'contact' (their own, trusted for its addresses) or 'ca'; null drops the import. */
  answer(choice: SelfSignedChoice | null): Promise<Outcome> {
    const q = this.question
    this.question = null
    if (!q || !choice) return Promise.resolve({ ok: true, message: '' })
    return this.importCertificates(q.data, q.fileName, choice)
  }

  /** Trusts a certificate for its own addresses (not as a CA), or stops. */
  setTrust(c: Certificate, on: boolean): Promise<Outcome> {
    return this.run(async () => {
      await this.api.trust(c.fingerprint, on)
      return on
        ? `${commonName(c)} is trusted for ${arr(c.emails).join(', ')}, not as a CA.`
        : `${commonName(c)} is no longer trusted directly.`
    })
  }

  /** A private key for a certificate already imported, or a PKCS #12 file (key, certificate, chain). */
  importPrivateKey(data: string, fileName: string, passphrase: string): Promise<Outcome> {
    return this.run(async () => describeImport(await this.api.importPrivateKey(data, fileName, passphrase)))
  }

  remove(c: Certificate): Promise<Outcome> {
    return this.run(async () => {
      await this.api.remove(c.fingerprint)
      return `Deleted ${commonName(c)}${c.has_private ? ' and its private key' : ''}.`
    })
  }

  download(c: Certificate): Promise<Outcome> {
    return this.run(async () => {
      const path = await this.api.saveCertificate(c.fingerprint)
      return path ? `Saved the certificate to ${path}.` : ''
    })
  }

  /** Saves the private key encrypted under passphrase, to a file picked in a native dialog. */
  exportPrivateKey(c: Certificate, passphrase: string): Promise<Outcome> {
    return this.run(async () => {
      const res = await this.api.exportPrivateKey(c.fingerprint, passphrase)
      return res.cancelled ? '' : `Saved the encrypted private key to ${res.path}.`
    })
  }
}

export function commonName(c: Pick<Certificate, 'subject'>): string {
  const cn = c.subject.split(',').find((p) => p.trim().startsWith('CN='))
  return cn ? cn.trim().slice(3) : c.subject
}

export function describeImport(r: ImportResult): string {
  const [imported, keys, skipped] = [arr(r.imported), arr(r.keys), arr(r.skipped)]
  const parts: string[] = []
  if (imported.length) parts.push(`imported ${plural(imported.length, 'certificate', 'certificates')}`)
  if (keys.length) parts.push(`stored ${plural(keys.length, 'private key', 'private keys')} in the keychain`)
  if (skipped.length) parts.push(`${plural(skipped.length, 'certificate was', 'certificates were')} already present`)
  let msg = sentence(parts, 'nothing new')
  if (r.rechecked) msg += ` ${plural(r.rechecked, 'stored article was', 'stored articles were')} checked again.`
  if (r.recheck_error) msg += ` Checking stored articles again did not finish: ${r.recheck_error}`
  return msg
}
