// The composer's facade over the Compose bindings: prefill, completion,
// readiness and its fixes, drafts (stored sealed by Go), send and outbox.
// Private keys and passphrases never pass here: sealing happens in Go.
import * as ComposeBinding from '../wailsjs/go/app/Compose'
import { app } from '../wailsjs/go/models'
import type { compose, security, store } from '../wailsjs/go/models'
import { call } from './errors'
import type { SendStep } from './generated'
import { model } from './model'
import type { Plain } from './types'

export type DraftMessage = Omit<Plain<app.DraftMessage>, 'keys' | 'attachments'> & {
  /** recipient address → fingerprint of the certificate or OpenPGP key picked among several */
  keys: Record<string, string>
  attachments: DraftAttachment[]
}
/** A file attached to a saved draft: a reference, its content stays in Go. */
export type DraftAttachment = Plain<app.AttachmentRef>
export type DraftSummary = Plain<app.DraftSummary>
export type OutboxView = Plain<app.OutboxView>
export type CarriedFix = Plain<app.CarriedFix>
export type Contact = Plain<store.Contact>
export type KeyCandidate = Plain<security.KeyCandidate>
export type ComposeReadiness = Plain<security.Readiness>
export type ComposeReadinessRequest = Omit<Plain<app.ReadinessRequest>, 'keys'> & { keys: Record<string, string> }
export type ComposeImportResult = Plain<security.ImportResult>
export type ComposeChoice = Plain<compose.Choice>
export type ComposeChosen = Plain<compose.Chosen>
export type ComposeChooseRequest = Omit<Plain<app.ChooseRequest>, 'keys'> & { keys: Record<string, string> }
export type PrepareRequest = Plain<app.PrepareRequest>
/** How far the ticket went when the composer opened (Go's compose.Seen). */
export type ComposeSeen = Plain<compose.Seen>
/** Another agent's answers and changes since a mark (Go's compose.Since). */
export type ComposeMeanwhile = Plain<compose.Meanwhile>
// The steps are mailbox.SendSteps(), generated into ./generated.ts.
export type { SendStep }
// Event payloads (app.SendProgress; outbox:changed is empty).
export type SendProgress = { send_id: string; step: SendStep; outbox_id: number; message: string }

export interface ComposeApi {
  /** Per recipient, why Sign or Encrypt must stay off (public material only). */
  readiness(req: ComposeReadinessRequest): Promise<ComposeReadiness>
  /**
   * The technology and Sign/Encrypt for the message now, why, and that
   * technology's readiness: the agent's choices kept, the group's defaults
   * where they can be met (Go's compose.Choose).
   */
  choose(req: ComposeChooseRequest): Promise<ComposeChoice>
  /** The draft to start from: the saved one of the same intent, else prefilled. */
  prepare(req: PrepareRequest): Promise<DraftMessage>
  contacts(prefix: string, limit?: number): Promise<Contact[]>
  /**
   * What earlier mail of the ticket carried, per address: for S/MIME a
   * certificate to import, for PGP an OpenPGP key found in mail to accept
   * (or, for a key change, only advice).
   */
  fixes(ticketId: number, addresses: string[], technology: string): Promise<CarriedFix[]>
  /** Applies the fix of that technology for an address; a key change is refused. */
  importCarried(ticketId: number, address: string, technology: string): Promise<ComposeImportResult>
  /** The autosave: text fields and attachment references, never file content. */
  saveDraft(d: DraftMessage): Promise<DraftMessage>
  /** Stores a file (base64) with a saved draft, sealed; sent once, referred to by its ID after. */
  addAttachment(draftId: number, name: string, contentType: string, data: string): Promise<DraftAttachment>
  removeAttachment(draftId: number, id: number): Promise<void>
  openDraft(id: number): Promise<DraftMessage>
  drafts(): Promise<DraftSummary[]>
  deleteDraft(id: number): Promise<void>
  /**
   * What another agent did to the ticket since the mark: answers sent and
   * state or owner changes. Go's Send refuses (answered_meanwhile) until
   * the draft's seen is the returned now.
   */
  meanwhile(seen: ComposeSeen): Promise<ComposeMeanwhile>
  /** Resolves with the outbox item (sent, queued or failed with its reason); rejects when nothing was queued. */
  send(sendId: string, draft: DraftMessage): Promise<OutboxView>
  outbox(): Promise<OutboxView[]>
  retry(id: number): Promise<OutboxView>
  discard(id: number): Promise<void>
}

export const composeApi: ComposeApi = {
  readiness: (req) => call(() => ComposeBinding.Readiness(req)),
  choose: (req) => call(() => ComposeBinding.Choose(model(app.ChooseRequest, req))),
  prepare: (req) => call(() => ComposeBinding.Prepare(req)),
  contacts: (prefix, limit = 8) => call(() => ComposeBinding.Contacts({ prefix, limit })),
  fixes: (ticket_id, addresses, technology) => call(() => ComposeBinding.Fixes({ ticket_id, addresses, technology })),
  importCarried: (ticket_id, address, technology) => call(() => ComposeBinding.ImportCarried({ ticket_id, address, technology })),
  saveDraft: (d) => call(() => ComposeBinding.SaveDraft(model(app.DraftMessage, d))),
  openDraft: (id) => call(() => ComposeBinding.OpenDraft({ id })),
  addAttachment: (draft_id, name, content_type, data) =>
    call(() => ComposeBinding.AddAttachment({ draft_id, name, content_type, data })),
  removeAttachment: (draft_id, id) => call(() => ComposeBinding.RemoveAttachment({ draft_id, id })),
  drafts: () => call(() => ComposeBinding.Drafts()),
  deleteDraft: (id) => call(() => ComposeBinding.DeleteDraft({ id })),
  meanwhile: (seen) => call(() => ComposeBinding.Meanwhile(seen)),
  send: (send_id, draft) => call(() => ComposeBinding.Send(model(app.SendRequest, { send_id, draft }))),
  outbox: () => call(() => ComposeBinding.Outbox()),
  retry: (id) => call(() => ComposeBinding.RetryOutbox({ id })),
  discard: (id) => call(() => ComposeBinding.DiscardOutbox({ id })),
}
