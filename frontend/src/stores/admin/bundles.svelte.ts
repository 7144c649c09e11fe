import { bundlesApi, type BundleKind, type BundlesApi } from '../../api'
import type { BundleImport, TeamBundle } from '../../api/types'
import { on } from '../../events'
import { humane, ListStore, plural, type Outcome } from './list.svelte'

/** The shortest bundle passphrase Go accepts (security.MinBundlePassphrase). */
export const MIN_BUNDLE_PASSPHRASE = 12

/**
 * Why the two passphrases cannot be sent yet, or '' when they can. Go
 * checks the length again; this says it before the KDF runs.
 */
export function bundlePassphraseProblem(pass: string, again: string): string {
  if (!pass) return 'Choose a passphrase for the bundle.'
  if ([...pass].length < MIN_BUNDLE_PASSPHRASE) {
    return `The passphrase needs at least ${MIN_BUNDLE_PASSPHRASE} characters: it is all that protects the key.`
  }
  if (pass !== again) return 'The two passphrases differ. Type the same passphrase twice.'
  return ''
}

/** Where an exported bundle goes. */
export type BundleDestination = 'file' | 'team'

/**
 * Exports a key for a colleague. The passphrase passes through to Go and
 * is not kept; the outcome's message says where the bundle went ('' when
 * the agent cancelled the save dialog).
 */
export async function exportBundle(
  kind: BundleKind,
  fingerprint: string,
  passphrase: string,
  to: BundleDestination,
  api: Pick<BundlesApi, 'exportBundle'> = bundlesApi,
): Promise<Outcome> {
  try {
    const res = await api.exportBundle(kind, { fingerprint, passphrase, to_team: to === 'team', account: '' })
    if (res.cancelled) return { ok: true, message: '' }
    if (res.team) {
      return {
        ok: true,
        message: `Left the bundle in the team folder. Your colleague imports it under “Keys from your team” with the passphrase you tell them.`,
      }
    }
    return { ok: true, message: `Saved the bundle to ${res.path}. Give your colleague the file, and the passphrase separately.` }
  } catch (e) {
    return { ok: false, error: humane(e) }
  }
}

/** A team bundle with the account whose team folder holds it. */
export interface TeamBundleRow extends TeamBundle {
  account: string
}

/** Keys from your team: the bundles colleagues left in the team folders. */
export class BundlesStore extends ListStore<TeamBundleRow> {
  constructor(private api: Pick<BundlesApi, 'list' | 'importBundle'> = bundlesApi) {
    super()
  }

  protected async fetch(): Promise<TeamBundleRow[]> {
    const lists = (await this.api.list('')) ?? []
    return lists.flatMap((l) => (l.bundles ?? []).map((b) => ({ ...b, account: l.account })))
  }

  /** Bundles this profile does not hold the key of yet. */
  get waiting(): TeamBundleRow[] {
    return this.items.filter((b) => !b.imported)
  }

  listen(): () => void {
    const stops = [on('certificates:changed', () => void this.load()), on('pgpkeys:changed', () => void this.load())]
    return () => stops.forEach((s) => s())
  }

  /** A wrong passphrase comes back as wrong_passphrase and stores nothing. */
  importBundle(b: TeamBundleRow, passphrase: string): Promise<Outcome> {
    return this.run(async () => describeBundleImport(await this.api.importBundle(b.account, b.uid, passphrase)))
  }
}

export function bundleKindLabel(b: Pick<TeamBundle, 'format'>): string {
  return b.format === 'pkcs12' ? 'S/MIME certificate and key' : 'OpenPGP secret key'
}

export function describeBundleImport(r: BundleImport): string {
  let msg = `Imported the ${bundleKindLabel(r.bundle)} ${r.bundle.label || r.bundle.fingerprint} into your keychain.`
  const rechecked = r.certificates?.rechecked ?? r.keys?.rechecked ?? 0
  if (rechecked) msg += ` ${plural(rechecked, 'stored article was', 'stored articles were')} checked again.`
  return msg
}
