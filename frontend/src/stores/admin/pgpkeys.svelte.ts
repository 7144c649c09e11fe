import { pgpFilesApi, pgpKeysApi, type PGPFilesApi, type PGPKeysApi } from '../../api'
import type { PGPImportResult, PGPKey } from '../../api/types'
import { on } from '../../events'
import { arr, ListStore, plural, sentence, type Outcome } from './list.svelte'
import { currentTime, pgpKeyNotes, type Note } from './notes'

export type PGPKeysStoreApi = PGPKeysApi & PGPFilesApi
const defaultApi: PGPKeysStoreApi = { ...pgpKeysApi, ...pgpFilesApi }

export interface PGPKeyRow extends PGPKey {
  notes: Note[]
}

/** The OpenPGP key inventory. A passphrase passes through to Go and is not kept. */
export class PGPKeysStore extends ListStore<PGPKey> {
  constructor(
    private api: PGPKeysStoreApi = defaultApi,
    private now: () => Date = currentTime,
  ) {
    super()
  }

  protected fetch(): Promise<PGPKey[]> {
    return this.api.list()
  }

  get rows(): PGPKeyRow[] {
    const now = this.now()
    return this.items.map((k) => ({ ...k, notes: pgpKeyNotes(k, now) }))
  }

  listen(): () => void {
    return on('pgpkeys:changed', () => void this.load())
  }

  /** passphrase: '' for public keys; Go answers passphrase_required for a secret key without one. */
  importKeys(data: string, fileName: string, passphrase: string): Promise<Outcome> {
    return this.run(async () => describePGPImport(await this.api.importKeys(data, fileName, passphrase)))
  }

  remove(k: PGPKey): Promise<Outcome> {
    return this.run(async () => {
      await this.api.remove(k.fingerprint)
      return `Deleted ${primaryUID(k)}${k.has_secret ? ' with its secret key' : ''}.`
    })
  }

  downloadPublic(k: PGPKey): Promise<Outcome> {
    return this.run(async () => {
      const path = await this.api.savePublic(k.fingerprint)
      return path ? `Saved the public key to ${path}.` : ''
    })
  }

  /**
   * Saves the secret key, protected by the passphrase set in the export
   * dialog (so a key imported without one is never written unprotected),
   * to a file picked in a native dialog.
   */
  downloadSecret(k: PGPKey, passphrase: string): Promise<Outcome> {
    return this.run(async () => {
      const res = await this.api.exportSecret(k.fingerprint, passphrase)
      return res.cancelled ? '' : `Saved the protected secret key to ${res.path}.`
    })
  }
}

export function primaryUID(k: Pick<PGPKey, 'user_ids' | 'fingerprint'>): string {
  return k.user_ids?.[0] ?? k.fingerprint.slice(-16)
}

export function describePGPImport(r: PGPImportResult): string {
  const [imported, merged, unchanged, secret] = [arr(r.imported), arr(r.merged), arr(r.unchanged), arr(r.secret)]
  const parts: string[] = []
  if (imported.length) parts.push(`imported ${plural(imported.length, 'key', 'keys')}`)
  for (const m of merged) parts.push(`added ${m.added} to ${primaryUID(m.key)}`)
  if (secret.length) parts.push(`stored ${plural(secret.length, 'secret key', 'secret keys')} in the keychain`)
  if (unchanged.length) parts.push(`${plural(unchanged.length, 'key was', 'keys were')} already present`)
  let msg = sentence(parts, 'nothing new')
  for (const w of arr(r.warnings)) msg += ` ${w}`
  if (r.rechecked) msg += ` ${plural(r.rechecked, 'stored article was', 'stored articles were')} checked again.`
  if (r.recheck_error) msg += ` Checking stored articles again did not finish: ${r.recheck_error}`
  return msg
}
