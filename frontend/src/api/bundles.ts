// Facade for "Export for a colleague" and the keys colleagues left in the
// team folder (docs/team.md, bundles). The passphrase only goes to Go; the
// bundle never comes back: Go saves it to a file picked in the native
// dialog, or leaves it in the team folder.
import * as BundlesBinding from '../wailsjs/go/app/Bundles'
import * as CertificatesBinding from '../wailsjs/go/app/Certificates'
import * as PGPKeysBinding from '../wailsjs/go/app/PGPKeys'
import { call } from './errors'
import type { AccountBundles, BundleImport, ExportBundleResult } from './types'

/** What a bundle holds: an S/MIME certificate with its key, or an OpenPGP secret key. */
export type BundleKind = 'certificate' | 'pgp'

export interface ExportBundleRequest {
  fingerprint: string
  passphrase: string
  /** true: leave it in the team folder of account ('' = the only one); false: save it as a file. */
  to_team: boolean
  account: string
}

export interface BundlesApi {
  exportBundle(kind: BundleKind, req: ExportBundleRequest): Promise<ExportBundleResult>
  /** account '' lists every account with team records on. */
  list(account: string): Promise<AccountBundles[]>
  importBundle(account: string, uid: number, passphrase: string): Promise<BundleImport>
}

export const bundlesApi: BundlesApi = {
  exportBundle: (kind, req) =>
    call(() => (kind === 'pgp' ? PGPKeysBinding.ExportBundle(req) : CertificatesBinding.ExportBundle(req))),
  list: (account) => call(() => BundlesBinding.List({ account })) as Promise<AccountBundles[]>,
  importBundle: (account, uid, passphrase) =>
    call(() => BundlesBinding.Import({ account, uid, passphrase })) as Promise<BundleImport>,
}
