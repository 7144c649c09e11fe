// The composer's state: the draft, the groups to send from, readiness of
// Sign/Encrypt per recipient (refreshed, debounced, when recipients,
// toggles or the technology change), the fixes offered, the autosaved
// draft (sealed by Go) and the progress of a send. Which technology and
// toggles the message starts with is Go's rule (compose.Choose, asked with
// each check): what the agent set by hand (draft.chosen) is kept, the rest
// follows the group's defaults where they can be met.
import { composeApi, groupsApi, ticketsApi, toAppError, type ComposeApi, type GroupsApi, type TicketsApi } from '../api'
import type {
  CarriedFix,
  ComposeChoice,
  ComposeChosen,
  ComposeMeanwhile,
  ComposeReadiness,
  DraftAttachment,
  DraftMessage,
  KeyCandidate,
  OutboxView,
  SendProgress,
  SendStep,
} from '../api/compose'
import type { AppError, ReplyClaim } from '../api/errors'
import type { ArticleContent } from '../api/tickets'
import type { Technology } from '../api/generated'
import type { Group } from '../api/types'
import { on } from '../events'
import type { ComposeIntent } from './intent'

export type RecipientField = 'to' | 'cc' | 'bcc'
// S/MIME or PGP: verdict.Technologies(), generated.
export type { Technology }

export const READINESS_DELAY = 300
export const AUTOSAVE_DELAY = 1500

// A bare address or "Name <address>"; the local part and domain without
// spaces, the domain with a dot. Go checks again (RFC 5322) before sending.
const ADDR = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/
const NAMED = /^(.*)<([^<>]+)>\s*$/

/** The address part of "Name <a@b>" or a bare address, lower-cased; '' when invalid. */
export function addressOf(v: string): string {
  const s = v.trim()
  const m = NAMED.exec(s)
  const a = (m ? m[2] : s).trim()
  return ADDR.test(a) ? a.toLowerCase() : ''
}

/** What a technology calls the things held per address: OpenPGP keys or S/MIME certificates. */
export function keyNoun(t: string): string {
  return t === 'PGP' ? 'keys' : 'certificates'
}

/**
 * The text of one key in the picker. An OpenPGP key has no issuer, and a
 * customer's old and new key often share the user ID: the short
 * fingerprint (its last 16 hex digits, the long key ID) tells them apart.
 */
export function candidateLabel(t: string, k: KeyCandidate): string {
  if (t !== 'PGP') return `${k.subject} — valid to ${k.not_after}${k.ok ? '' : ` (${k.comment})`}`
  return `${shortFingerprint(k.fingerprint)} · ${k.subject || 'no user ID'} · ${pgpExpiry(k.not_after)} · ${k.ok ? 'usable' : `not usable: ${k.comment}`}`
}

/** The last 16 hex digits of an OpenPGP fingerprint (the long key ID), in groups of four. */
function shortFingerprint(fp: string): string {
  return fp.slice(-16).replace(/(.{4})(?=.)/g, '$1 ')
}

/** An OpenPGP key's end of validity; '' means it never expires. */
function pgpExpiry(notAfter: string): string {
  return notAfter ? `valid to ${notAfter}` : 'no expiry'
}

/**
 * How the composer shows a fix: what it offers (text), its button's label
 * (action; '' for no button) and the label while it runs (busy). The
 * OpenPGP key their mail carried is told apart from others by its short
 * fingerprint, user ID and expiry. A key change (kind 'review') has no
 * button: its comment tells the agent to have an admin review it.
 */
export function fixOffer(f: CarriedFix): { text: string; action: string; busy: string } {
  if (f.kind === 'review') return { text: f.comment, action: '', busy: '' }
  if (f.technology === 'PGP') {
    return {
      text: `Their mail carried an OpenPGP key (…${shortFingerprint(f.fingerprint)}, ${f.subject || 'no user ID'}, ${pgpExpiry(f.not_after)}).`,
      action: 'Use it',
      busy: 'Accepting…',
    }
  }
  return { text: '', action: `Import the certificate from their signed mail (valid to ${f.not_after})`, busy: 'Importing…' }
}

type Subscribe = typeof on

type Timer = ReturnType<typeof setTimeout>

export class ComposeStore {
  draft = $state<DraftMessage | null>(null)
  groups = $state<Group[]>([])
  readiness = $state<ComposeReadiness | null>(null)
  /** Go's last choice of technology and toggles, with why. */
  choice = $state<ComposeChoice | null>(null)
  fixes = $state<CarriedFix[]>([])
  /** A form error per field ('to', 'cc', 'bcc', 'attachments') for input just rejected. */
  fieldErrors = $state<Partial<Record<RecipientField | 'attachments', string>>>({})
  error = $state<AppError | null>(null)
  loading = $state(false)
  saving = $state(false)
  savedAt = $state('')
  sending = $state(false)
  step = $state<SendStep | null>(null)
  stepMessage = $state('')
  result = $state<OutboxView | null>(null)
  /**
   * Another agent answered or changed the ticket since the composer
   * opened (Go's compose.Since): shown above Send; the next Send
   * acknowledges it and sends anyway. null when nothing is new.
   */
  meanwhile = $state<ComposeMeanwhile | null>(null)
  /**
   * Another agent started sending an answer to the ticket from the same
   * view a moment before (Go's reply_claimed): the notice names them; the
   * next Send acknowledges their claim and sends anyway. null when none.
   */
  replyClaim = $state<{ claim: ReplyClaim; notice: string } | null>(null)
  /** The content of the articles meanwhile lists, by article ID, as they load. */
  meanwhileContent = $state<Record<number, ArticleContent>>({})
  private sendId = ''
  private readinessTimer: Timer | undefined
  private saveTimer: Timer | undefined
  private readinessGen = 0
  private dirty = false
  private saves: Promise<void> = Promise.resolve()
  private unsubscribe: Array<() => void> = []

  constructor(
    private api: ComposeApi = composeApi,
    private groupsSource: Pick<GroupsApi, 'list'> = groupsApi,
    private subscribe: Subscribe = on,
    private articles: Pick<TicketsApi, 'content'> = ticketsApi,
  ) {}

  /** Loads the draft for an intent (the saved one, else prefilled by Go). */
  async load(intent: ComposeIntent): Promise<void> {
    this.loading = true
    this.error = null
    try {
      const [draft, groups] = await Promise.all([
        this.api.prepare({ mode: intent.mode, ticket_id: intent.ticketId ?? 0, article_id: intent.articleId ?? 0 }),
        this.groupsSource.list(),
      ])
      this.groups = groups
      this.draft = { ...draft, keys: draft.keys ?? {}, attachments: draft.attachments ?? [], chosen: draft.chosen ?? nothingChosen() }
      // A mailto: link in a mail: its addresses join the new message's To.
      // (A mailto: may name several, comma-separated; only real addresses count.)
      const wanted = (intent.to ?? []).flatMap((a) => a.split(',')).map(addressOf).filter((a) => a !== '')
      const missing = [...new Set(wanted)].filter((a) => !this.draft!.to.some((t) => addressOf(t) === a))
      if (missing.length > 0) {
        this.draft.to = [...this.draft.to, ...missing]
        this.dirty = true
      }
      this.refreshReadiness()
    } catch (e) {
      this.error = toAppError(e)
    } finally {
      this.loading = false
    }
  }

  /** Listens to send:progress for this composer's sends; returns the unsubscribe. */
  listen(): () => void {
    this.unsubscribe.push(
      this.subscribe('send:progress', (p: SendProgress) => {
        if (p.send_id === this.sendId && this.sending) {
          this.step = p.step
          this.stepMessage = p.message
        }
      }),
      // A sync may bring another agent's answer or change: say so now.
      this.subscribe('sync:state', () => void this.checkMeanwhile()),
    )
    return () => this.dispose()
  }

  dispose(): void {
    this.unsubscribe.forEach((u) => u())
    this.unsubscribe = []
    clearTimeout(this.readinessTimer)
    clearTimeout(this.saveTimer)
  }

  get recipients(): string[] {
    const d = this.draft
    if (!d) return []
    return [...d.to, ...d.cc, ...d.bcc].map(addressOf).filter((a) => a !== '')
  }

  get group(): Group | undefined {
    return this.groups.find((g) => g.id === this.draft?.group_id)
  }

  /** Why Sign is off, or '' when it can be on. */
  get signBlocked(): string {
    const r = this.readiness
    if (!this.draft?.from) return 'Choose the group to send from.'
    if (!r) return ''
    if (!r.enabled) return `${r.technology} is switched off in Settings.`
    return r.can_sign ? '' : r.sign.comment
  }

  /**
   * What the agent should know when Sign works (Go AddressStatus.Note,
   * worded in security/wording.go), such as recipients needing our CA;
   * '' otherwise.
   */
  get signNote(): string {
    const r = this.readiness
    if (!r?.can_sign || !this.draft?.sign) return ''
    return r.sign.note_text ?? ''
  }

  /** Why Encrypt is off, per recipient; empty when it can be on. */
  get encryptBlocked(): { address: string; comment: string }[] {
    const r = this.readiness
    if (!r) return []
    if (!r.enabled) return [{ address: '', comment: `${r.technology} is switched off in Settings.` }]
    // The sender's own address is judged too (own): every encrypted
    // message is encrypted to it, so that the copy in Sent stays readable.
    if (!r.recipients.some((a) => !a.own)) return [{ address: '', comment: 'Add a recipient first.' }]
    return r.recipients.filter((a) => !a.ok).map((a) => ({ address: a.address, comment: a.comment }))
  }

  /** Why the group's default Sign is off here ('' when it is not held). */
  get signHeld(): string {
    const c = this.choice
    return c && c.sign_held && !this.draft?.sign && !this.draft?.chosen.sign ? c.sign_note : ''
  }

  /** Why the group's default Encrypt is off here ('' when it is not held). */
  get encryptHeld(): string {
    const c = this.choice
    return c && c.encrypt_held && !this.draft?.encrypt && !this.draft?.chosen.encrypt ? c.encrypt_note : ''
  }

  /** Why the message is on this technology ('' when the agent chose it). */
  get technologyNote(): string {
    const c = this.choice
    return c && c.technology === this.draft?.technology && !this.draft?.chosen.technology ? c.technology_note : ''
  }

  /** Recipients with several certificates or OpenPGP keys to pick from. */
  get choices() {
    return (this.readiness?.recipients ?? []).filter((a) => (a.candidates ?? []).length > 1)
  }

  /** Known contacts starting with prefix (address completion). */
  contacts(prefix: string) {
    return this.api.contacts(prefix)
  }

  fixFor(address: string): CarriedFix | undefined {
    return this.fixes.find((f) => f.address === address.toLowerCase())
  }

  /** Adds an address to a field; rejects (with a field error) what is not an address. */
  addRecipient(field: RecipientField, value: string): boolean {
    const d = this.draft
    const v = value.trim().replace(/[,;]+$/, '')
    if (!d || v === '') return false
    const addr = addressOf(v)
    if (!addr) {
      this.fieldErrors = { ...this.fieldErrors, [field]: `"${v}" is not an e-mail address: correct it, e.g. name@example.org.` }
      return false
    }
    this.fieldErrors = { ...this.fieldErrors, [field]: undefined }
    if (this.recipients.includes(addr)) return true
    d[field] = [...d[field], v]
    this.changed(true)
    return true
  }

  removeRecipient(field: RecipientField, index: number): void {
    const d = this.draft
    if (!d) return
    d[field] = d[field].filter((_, i) => i !== index)
    this.changed(true)
  }

  /**
   * Sends from another group: its address, and its Sign/Encrypt defaults
   * and technology as Go applies them for these recipients (the agent's
   * earlier choices were made for the other group: they start over).
   */
  setGroup(id: number): void {
    const d = this.draft
    const g = this.groups.find((x) => x.id === id)
    if (!d || !g) return
    d.group_id = g.id
    d.from = g.sender_address
    d.chosen = nothingChosen()
    this.changed(true)
  }

  /** The agent's technology: kept from now on. */
  setTechnology(t: Technology): void {
    if (!this.draft) return
    this.draft.technology = t
    this.draft.keys = {}
    this.draft.chosen = { ...this.draft.chosen, technology: true }
    this.changed(true)
  }

  /** The agent's Sign: kept from now on. */
  setSign(on: boolean): void {
    if (!this.draft) return
    this.draft.sign = on
    this.draft.chosen = { ...this.draft.chosen, sign: true }
    this.changed(false)
  }

  /** The agent's Encrypt: kept from now on. */
  setEncrypt(on: boolean): void {
    if (!this.draft) return
    this.draft.encrypt = on
    this.draft.chosen = { ...this.draft.chosen, encrypt: true }
    this.changed(false)
  }

  /** Picks one of several certificates or OpenPGP keys for an address. */
  chooseKey(address: string, fingerprint: string): void {
    if (!this.draft) return
    this.draft.keys = { ...this.draft.keys, [address.toLowerCase()]: fingerprint }
    this.changed(true)
  }

  /** The text or subject changed. */
  edited(): void {
    this.changed(false)
  }

  /**
   * Attaches files: each is read and sent to Go once (a new draft is saved
   * first, to have an ID) and stored there sealed with the draft; the
   * draft keeps a reference, so autosaves never carry file content.
   */
  async attach(files: Iterable<File>): Promise<void> {
    const list = Array.from(files)
    if (!this.draft || list.length === 0) return
    const id = await this.ensureSaved()
    for (const f of list) {
      const d = this.draft
      if (!id || d?.id !== id) return // not saved (see error), or another draft now
      try {
        const ref = await this.api.addAttachment(id, f.name, f.type, await readBase64(f))
        d.attachments = [...d.attachments, ref]
        this.fieldErrors = { ...this.fieldErrors, attachments: undefined }
        this.result = null
      } catch (e) {
        const err = toAppError(e)
        this.fieldErrors = {
          ...this.fieldErrors,
          attachments: err.code === 'internal' ? `"${f.name}" could not be read: check the file and attach it again.` : err.message,
        }
      }
    }
  }

  async removeAttachment(index: number): Promise<void> {
    const d = this.draft
    const a = d?.attachments[index]
    if (!d || !a) return
    try {
      await this.api.removeAttachment(d.id, a.id)
    } catch (e) {
      const err = toAppError(e)
      if (err.code !== 'not_found') {
        this.error = err
        return
      }
    }
    d.attachments = d.attachments.filter((x: DraftAttachment) => x.id !== a.id)
    this.result = null
  }

  /**
   * Applies the fix offered for a recipient (imports the certificate their
   * signed mail carried, or accepts the OpenPGP key their mail carried),
   * then re-checks. A key change has nothing to apply.
   */
  async applyFix(address: string): Promise<void> {
    const d = this.draft
    const fix = this.fixFor(address)
    if (!d || !fix || fix.kind === 'review') return
    try {
      await this.api.importCarried(d.ticket_id, address, fix.technology)
      this.error = null
      await this.checkNow()
    } catch (e) {
      this.error = toAppError(e)
    }
  }

  private changed(recheck: boolean): void {
    this.dirty = true
    this.result = null
    if (recheck) this.refreshReadiness()
    clearTimeout(this.saveTimer)
    this.saveTimer = setTimeout(() => void this.saveNow(), AUTOSAVE_DELAY)
  }

  /** Re-checks Sign/Encrypt after READINESS_DELAY, coalescing bursts of typing. */
  refreshReadiness(): void {
    clearTimeout(this.readinessTimer)
    this.readinessTimer = setTimeout(() => void this.checkNow(), READINESS_DELAY)
  }

  async checkNow(): Promise<void> {
    const d = this.draft
    if (!d) return
    const gen = ++this.readinessGen
    try {
      const c = await this.api.choose({
        mode: d.mode, group_id: d.group_id, article_id: d.article_id, from: addressOf(d.from), recipients: this.recipients,
        keys: d.keys, technology: d.technology, sign: d.sign, encrypt: d.encrypt, chosen: { ...d.chosen },
      })
      if (gen !== this.readinessGen) return // a newer check is under way
      this.follow(c)
      const r = c.readiness
      // A pick whose key is gone (deleted, or replaced since the draft was
      // saved) would block encryption with no picker left to undo it:
      // drop it and check again with the engine's choice.
      const stale = r.recipients.filter((a) => {
        const fp = d.keys[a.address.toLowerCase()]
        return fp && !(a.candidates ?? []).some((c) => c.fingerprint.toLowerCase() === fp.toLowerCase())
      })
      if (stale.length > 0) {
        const keys = { ...d.keys }
        for (const a of stale) delete keys[a.address.toLowerCase()]
        d.keys = keys
        this.dirty = true
        return this.checkNow()
      }
      this.choice = c
      this.readiness = r
      const blocked = r.recipients.filter((a) => !a.ok && !a.own).map((a) => a.address)
      this.fixes = d.ticket_id && blocked.length ? await this.api.fixes(d.ticket_id, blocked, r.technology) : []
    } catch (e) {
      if (gen === this.readinessGen) this.error = toAppError(e)
    }
  }

  /**
   * Takes Go's choice for what the agent did not set by hand (read now:
   * a toggle flipped while the check ran stays as flipped). A switch of
   * technology drops the key picks, which belong to the other one; Go
   * judged the new one without them.
   */
  private follow(c: ComposeChoice): void {
    const d = this.draft!
    let changed = false
    if (!d.chosen.sign && d.sign !== c.sign) [d.sign, changed] = [c.sign, true]
    if (!d.chosen.encrypt && d.encrypt !== c.encrypt) [d.encrypt, changed] = [c.encrypt, true]
    if (!d.chosen.technology && d.technology !== c.technology) {
      d.technology = c.technology
      d.keys = {}
      changed = true
    }
    if (changed) this.dirty = true
  }

  /**
   * Saves the draft now if it changed (autosave, and on close). Saves run
   * one after the other: two saves of a new draft at once would store it
   * twice.
   */
  saveNow(): Promise<void> {
    clearTimeout(this.saveTimer)
    this.saves = this.saves.then(() => this.saveOnce())
    return this.saves
  }

  /** The draft's ID, saving a new draft first; 0 when it could not be saved. */
  private async ensureSaved(): Promise<number> {
    await this.saves // a save under way may be the one that gives the ID
    if (this.draft && !this.draft.id) {
      this.dirty = true
      await this.saveNow()
    }
    return this.draft?.id ?? 0
  }

  private async saveOnce(): Promise<void> {
    const d = this.draft
    if (!d || !this.dirty || this.sending || this.step === 'saved' || this.step === 'sent') return
    this.dirty = false
    this.saving = true
    try {
      const saved = await this.api.saveDraft($state.snapshot(d) as DraftMessage)
      if (this.draft === d) {
        d.id = saved.id
        this.savedAt = saved.updated_at
      }
    } catch (e) {
      this.dirty = true
      this.error = toAppError(e)
    } finally {
      this.saving = false
    }
  }

  /** Drops the draft (the Discard button). */
  async discard(): Promise<void> {
    clearTimeout(this.saveTimer)
    this.dirty = false
    const id = this.draft?.id
    if (id) {
      try {
        await this.api.deleteDraft(id)
      } catch (e) {
        this.error = toAppError(e)
      }
    }
  }

  /** What stops a send, for the Send button's title; '' when it can go. */
  get sendBlocked(): string {
    const d = this.draft
    if (!d) return 'Loading…'
    if (!d.from) return 'Choose the group to send from.'
    if (this.recipients.length === 0) return 'Add at least one recipient.'
    if (d.sign && this.signBlocked) return `Cannot sign: ${this.signBlocked}`
    if (d.encrypt && this.encryptBlocked.length) return 'Cannot encrypt to every recipient: switch Encrypt off or fix the recipients below.'
    return ''
  }

  /**
   * Asks Go what another agent did to the ticket since the draft's mark;
   * sets meanwhile when something is new. Returns whether it is.
   */
  async checkMeanwhile(): Promise<boolean> {
    const seen = this.draft?.seen
    if (!seen || !seen.ticket_id) return false
    try {
      const m = await this.api.meanwhile($state.snapshot(seen))
      this.meanwhile = m.articles.length > 0 || m.changes.length > 0 ? m : null
      for (const a of m.articles) if (!this.meanwhileContent[a.id]) void this.loadMeanwhileContent(a.id)
    } catch (e) {
      this.error = toAppError(e)
    }
    return this.meanwhile !== null
  }

  /**
   * Loads what another agent answered, to show it in the notice: the
   * agent reads the answer before deciding to send anyway. Remote content
   * stays blocked; a failure leaves the answer's sender and subject.
   */
  private async loadMeanwhileContent(articleId: number): Promise<void> {
    try {
      const c = await this.articles.content(articleId, false)
      this.meanwhileContent = { ...this.meanwhileContent, [articleId]: c }
    } catch {
      // the notice still names the answer; the ticket view shows it too
    }
  }

  /**
   * The first Send after another agent's answer or change shows it
   * (meanwhile) and sends nothing; the second acknowledges it (the draft's
   * mark moves to what was shown) and sends anyway.
   */
  async send(): Promise<OutboxView | null> {
    const d = this.draft
    if (!d || this.sending) return null
    clearTimeout(this.saveTimer)
    this.sendId = `${Date.now()}-${Math.random().toString(36).slice(2)}`
    this.sending = true
    this.error = null
    this.result = null
    this.step = d.seen?.ticket_id ? 'checking' : d.sign || d.encrypt ? 'sealing' : 'queued'
    this.stepMessage = ''
    try {
      if (this.replyClaim) {
        d.seen = { ...d.seen, reply_uid: this.replyClaim.claim.uid }
        this.replyClaim = null
        this.dirty = true
      }
      if (this.meanwhile) {
        // An acknowledged reply claim stays acknowledged.
        d.seen = { ...this.meanwhile.now, reply_uid: Math.max(this.meanwhile.now.reply_uid ?? 0, d.seen?.reply_uid ?? 0) }
        this.meanwhile = null
        this.dirty = true
      } else if (await this.checkMeanwhile()) {
        this.step = null
        return null
      }
      const res = await this.api.send(this.sendId, $state.snapshot(d) as DraftMessage)
      this.result = res
      this.dirty = false
      this.step = res.status === 'sent' ? (res.sent_folder ? 'saved' : 'sent') : 'failed'
      this.stepMessage = res.status === 'sent' ? '' : `${res.reason} ${res.advice}`.trim()
      return res
    } catch (e) {
      const err = toAppError(e)
      this.step = null
      // Answered in the moment between the check and the send (or seen
      // by Go's look at the server before sending): show it. The notice
      // says what happened; Go's "failed" progress, which may arrive while
      // the notice loads, would only say it again as an error.
      if (err.code === 'answered_meanwhile' && (await this.checkMeanwhile())) {
        this.step = null
        this.stepMessage = ''
        return null
      }
      // Another agent pressed Send on this ticket a moment before, from
      // the same view: say who and when; Send again sends anyway.
      if (err.code === 'reply_claimed' && err.claim) {
        this.replyClaim = { claim: err.claim, notice: err.message }
        this.stepMessage = ''
        return null
      }
      this.error = err
      return null
    } finally {
      this.sending = false
    }
  }
}

/**
 * The notice for what another agent did meanwhile: "Anna answered this
 * ticket at 10:42 (shown below) — send anyway?".
 */
export function meanwhileNotice(m: ComposeMeanwhile): string {
  const who = (agent: string, fallback: string) => m.names?.[agent.toLowerCase()] || agent || fallback
  const parts: string[] = []
  const last = m.articles[m.articles.length - 1]
  if (last) {
    parts.push(`${who(last.agent, 'Someone')} answered this ticket${timeOf(last.date)} (shown below)`)
  }
  for (const c of m.changes) {
    const what = c.field === 'owner' ? (c.value ? `assigned it to ${who(c.value, c.value)}` : 'unassigned it') : `set it ${c.value}`
    parts.push(`${who(c.agent, 'Someone')} ${what}${timeOf(c.at)}`)
  }
  return `${parts.join('; ')} — send anyway?`
}

/** " at 10:42" for a date Go wrote (RFC 1123Z or RFC 3339), else "". */
function timeOf(date: string): string {
  const t = new Date(date)
  if (!date || Number.isNaN(t.getTime())) return ''
  return ` at ${t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`
}

/** Nothing set by hand yet: Go's rules decide. */
function nothingChosen(): ComposeChosen {
  return { technology: false, sign: false, encrypt: false }
}

/** Reads a file as base64 (without the data: URL prefix). */
export function readBase64(f: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader()
    r.onload = () => {
      const s = String(r.result)
      resolve(s.slice(s.indexOf(',') + 1))
    }
    r.onerror = () => reject(r.error)
    r.readAsDataURL(f)
  })
}
