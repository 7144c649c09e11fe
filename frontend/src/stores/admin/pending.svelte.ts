import { pendingKeysApi, type PendingKeysApi } from '../../api'
import type { PendingKey } from '../../api/types'
import { on } from '../../events'
import { ListStore, plural, type Outcome } from './list.svelte'

/**
 * Keys and certificates found in received mail, waiting for a decision.
 * `count` is what a navigation badge shows: create one store, call load()
 * and listen(), and read count.
 */
export class PendingStore extends ListStore<PendingKey> {
  constructor(private api: PendingKeysApi = pendingKeysApi) {
    super()
  }

  protected fetch(): Promise<PendingKey[]> {
    return this.api.list()
  }

  get count(): number {
    return this.items.length
  }

  /** Key changes first: they are what needs a careful look. */
  get sorted(): PendingKey[] {
    return [...this.items].sort((a, b) => Number(b.key_change) - Number(a.key_change) || b.found_at.localeCompare(a.found_at))
  }

  listen(): () => void {
    const stops = [on('pending:changed', () => void this.load()), on('tickets:changed', () => void this.load())]
    return () => stops.forEach((s) => s())
  }

  accept(k: PendingKey): Promise<Outcome> {
    return this.run(async () => {
      const res = await this.api.accept(k.id)
      let msg = `Accepted the ${kindLabel(k)} for ${k.address}.`
      if (res.rechecked) msg += ` ${plural(res.rechecked, 'stored article was', 'stored articles were')} checked again.`
      if (res.recheck_error) msg += ` Checking stored articles again did not finish: ${res.recheck_error}`
      return msg
    })
  }

  reject(k: PendingKey): Promise<Outcome> {
    return this.run(async () => {
      await this.api.reject(k.id)
      return `Rejected the ${kindLabel(k)} for ${k.address}; it will not be offered again.`
    })
  }
}

export function kindLabel(k: Pick<PendingKey, 'technology'>): string {
  return k.technology === 'PGP' ? 'OpenPGP key' : 'S/MIME certificate'
}

/** Who of the team published a key ("from your team: Anna imported this"). */
export function teamAgent(k: PendingKey): string {
  return k.origin_agent_name || k.origin_agent || 'a team member'
}

export function sourceLabel(source: string): string {
  return (
    { autocrypt: 'Autocrypt header', attachment: 'attached key', signature: 'signature' }[source] ?? source
  )
}
