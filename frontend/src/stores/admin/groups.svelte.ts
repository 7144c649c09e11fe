import { groupsApi, type GroupsApi } from '../../api'
import type { Group } from '../../api/types'
import { ListStore, type Outcome } from './list.svelte'

export const emptyGroup = (): Group => ({
  id: 0,
  name: '',
  sender_address: '',
  // As the S/MIME admin doc has it: signed and encrypted by default; the
  // composer holds a default off where the certificates or keys are missing.
  default_sign: true,
  default_encrypt: true,
  technology: 'S/MIME',
  autocrypt: false,
})

/** Groups: a sender address with the composer's defaults. Validation is Go's. */
export class GroupsStore extends ListStore<Group> {
  constructor(private api: GroupsApi = groupsApi) {
    super()
  }

  protected fetch(): Promise<Group[]> {
    return this.api.list()
  }

  save(g: Group): Promise<Outcome> {
    // Autocrypt is an OpenPGP header (https://autocrypt.org/level1.html).
    const group = { ...g, name: g.name.trim(), sender_address: g.sender_address.trim(), autocrypt: g.technology === 'PGP' && g.autocrypt }
    return this.run(async () => {
      const saved = await this.api.save(group)
      return `${g.id ? 'Saved' : 'Created'} the group ${saved.name}.`
    })
  }

  remove(g: Group): Promise<Outcome> {
    return this.run(async () => {
      await this.api.remove(g.id)
      return `Deleted the group ${g.name}.`
    })
  }
}
