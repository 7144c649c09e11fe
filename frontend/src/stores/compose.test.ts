import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ComposeChooseRequest } from '../api/compose'
import { carriedFix, carriedPGPKey, draft, fakeApi, groups, keepChoice, keyChange, pgpFixApi, readiness } from '../components/compose/testing'
import { addressOf, AUTOSAVE_DELAY, candidateLabel, ComposeStore, fixOffer, keyNoun, meanwhileNotice, READINESS_DELAY } from './compose.svelte'

const noEvents = () => () => {}

describe('addressOf', () => {
  it.each([
    ['ann@example.org', 'ann@example.org'],
    ['Ann Example <Ann@Example.org>', 'ann@example.org'],
    ['ann@example', ''],
    ['ann example.org', ''],
    ['<a b@example.org>', ''],
  ])('%s → %j', (v, want) => expect(addressOf(v)).toBe(want))
})

describe('the key picker', () => {
  const key = { fingerprint: '0C90F9A4EA91C9B2518BE18CA334CF98A2EBD48A', subject: 'Cust New <cust@example.org>', issuer: 'EdDSA (Ed25519)', not_after: '', ok: true, comment: 'Encrypt to …' }

  it('names OpenPGP keys and S/MIME certificates', () => {
    expect(keyNoun('PGP')).toBe('keys')
    expect(keyNoun('S/MIME')).toBe('certificates')
  })

  it.each([
    ['a usable key without expiry', key, 'A334 CF98 A2EB D48A · Cust New <cust@example.org> · no expiry · usable'],
    [
      'an expired key',
      { ...key, not_after: '2025-03-01', ok: false, comment: 'The key expired on 2025-03-01.' },
      'A334 CF98 A2EB D48A · Cust New <cust@example.org> · valid to 2025-03-01 · not usable: The key expired on 2025-03-01.',
    ],
    ['a key without user ID', { ...key, subject: '' }, 'A334 CF98 A2EB D48A · no user ID · no expiry · usable'],
  ])('labels %s by short fingerprint, user ID, expiry and usability', (_, k, want) => expect(candidateLabel('PGP', k)).toBe(want))

  it('labels a certificate by subject and validity, as before', () => {
    const cert = { ...key, subject: 'CN=Ann', issuer: 'CN=CA', not_after: '2027-01-01', ok: false, comment: 'revoked' }
    expect(candidateLabel('S/MIME', cert)).toBe('CN=Ann — valid to 2027-01-01 (revoked)')
  })
})

describe('the fix offered for a recipient', () => {
  it('offers the certificate of their signed mail on the button, as before', () => {
    expect(fixOffer(carriedFix())).toEqual({ text: '', action: 'Import the certificate from their signed mail (valid to 2027-01-01)', busy: 'Importing…' })
  })

  it('names the OpenPGP key their mail carried by short fingerprint, user ID and expiry, and offers to use it', () => {
    expect(fixOffer(carriedPGPKey)).toEqual({
      text: 'Their mail carried an OpenPGP key (…A334 CF98 A2EB D48A, Ann <ann@example.org>, no expiry).',
      action: 'Use it',
      busy: 'Accepting…',
    })
    expect(fixOffer({ ...carriedPGPKey, subject: '', not_after: '2027-05-01' }).text).toBe(
      'Their mail carried an OpenPGP key (…A334 CF98 A2EB D48A, no user ID, valid to 2027-05-01).',
    )
  })

  it('gives a key change as advice only, without a button', () => {
    expect(fixOffer(keyChange)).toEqual({ text: keyChange.comment, action: '', busy: '' })
  })
})

describe('ComposeStore', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  // Go's Choose as a fake: the group's defaults (group 2: nothing, PGP;
  // else both, S/MIME), where the agent chose nothing.
  const byGroup = (req: ComposeChooseRequest) => {
    const g = groups.find((x) => x.id === req.group_id)!
    const r = readiness(Object.fromEntries(req.recipients.map((a) => [a, ''])), { technology: g.technology })
    return keepChoice(r, req, {
      technology: req.chosen.technology ? req.technology : g.technology,
      sign: req.chosen.sign ? req.sign : g.default_sign,
      encrypt: req.chosen.encrypt ? req.encrypt : g.default_encrypt,
    })
  }

  it('takes the Sign/Encrypt defaults and technology of another group from Go, and starts the agent\'s choices over', async () => {
    const api = fakeApi({ choose: vi.fn(async (req: ComposeChooseRequest) => byGroup(req)) })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    s.setSign(false)
    s.setGroup(2)
    expect(s.draft!.chosen).toEqual({ technology: false, sign: false, encrypt: false })
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(api.choose).toHaveBeenLastCalledWith(expect.objectContaining({ group_id: 2, mode: 'reply', article_id: 3, chosen: { technology: false, sign: false, encrypt: false } }))
    expect(s.draft).toMatchObject({ from: 'sales@desk.test', sign: false, encrypt: false, technology: 'PGP' })
    s.setGroup(1)
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(s.draft).toMatchObject({ from: 'support@desk.test', sign: true, encrypt: true, technology: 'S/MIME' })
  })

  it('follows Go\'s choice of technology for a reply, and drops the key picks of the other one', async () => {
    const pgp = readiness({ 'ann@example.org': '' }, { technology: 'PGP' })
    const api = fakeApi({
      prepare: vi.fn(async () => draft({ keys: { 'ann@example.org': 'smime-fp' } })),
      choose: vi.fn(async (req: ComposeChooseRequest) =>
        keepChoice(pgp, req, { technology: 'PGP', technology_why: 'answered', technology_note: 'The mail you answer is PGP, and PGP can sign and encrypt for every recipient.' }),
      ),
    })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(s.draft).toMatchObject({ technology: 'PGP', sign: true, encrypt: true, keys: {} })
    expect(s.readiness?.technology).toBe('PGP')
    expect(s.technologyNote).toMatch(/The mail you answer is PGP/)
    expect(s.encryptBlocked).toEqual([])
    // The agent's S/MIME is theirs: kept, and no note claims otherwise.
    s.setTechnology('S/MIME')
    expect(s.draft!.chosen.technology).toBe(true)
    expect(s.technologyNote).toBe('')
  })

  it('holds a group default off with its reason, never blocking the send; the agent\'s own Encrypt is kept', async () => {
    const why = 'no certificate for ann@example.org: ask them for a signed message'
    const api = fakeApi({
      readiness: vi.fn(async () => readiness({ 'ann@example.org': why })),
      choose: vi.fn(async (req: ComposeChooseRequest) => {
        const r = readiness({ 'ann@example.org': why })
        return req.chosen.encrypt
          ? keepChoice(r, req)
          : keepChoice(r, req, { encrypt: false, encrypt_held: true, encrypt_note: `The group encrypts by default, but not to every address: ann@example.org: ${why}` })
      }),
    })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(s.draft!.encrypt).toBe(false)
    expect(s.encryptHeld).toMatch(/The group encrypts by default/)
    expect(s.encryptBlocked).toEqual([{ address: 'ann@example.org', comment: why }])
    expect(s.sendBlocked).toBe('')
    s.setEncrypt(true)
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    s.refreshReadiness()
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(api.choose).toHaveBeenLastCalledWith(expect.objectContaining({ encrypt: true, chosen: { technology: false, sign: false, encrypt: true } }))
    expect(s.draft!.encrypt).toBe(true)
    expect(s.encryptHeld).toBe('')
    expect(s.sendBlocked).toMatch(/Cannot encrypt/)
  })

  it('names the helpdesk\'s own address when it cannot be encrypted to, and looks for no fix in the ticket for it', async () => {
    const own = 'the helpdesk address support@desk.test has no certificate of its own: import your .p12 under Admin → Certificates → Add private key or PKCS #12'
    const api = fakeApi({
      readiness: vi.fn(async () => {
        const r = readiness({ 'ann@example.org': '', 'support@desk.test': own })
        r.recipients[1] = { ...r.recipients[1], own: true }
        return r
      }),
      fixes: vi.fn(async () => []),
    })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(s.encryptBlocked).toEqual([{ address: 'support@desk.test', comment: own }])
    expect(api.fixes).not.toHaveBeenCalled()
  })

  it('asks for a recipient when the sender is the only address judged', async () => {
    const api = fakeApi({
      prepare: vi.fn(async () => draft({ to: [] })),
      readiness: vi.fn(async () => {
        const r = readiness({ 'support@desk.test': '' }, { can_encrypt: false })
        r.recipients[0] = { ...r.recipients[0], own: true }
        return r
      }),
    })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'new' })
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(s.encryptBlocked).toEqual([{ address: '', comment: 'Add a recipient first.' }])
  })

  it('rejects what is not an address with a field error and keeps duplicates out', async () => {
    const s = new ComposeStore(fakeApi(), { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    expect(s.addRecipient('cc', 'bob at example')).toBe(false)
    expect(s.fieldErrors.cc).toContain('is not an e-mail address')
    expect(s.draft!.cc).toEqual([])
    expect(s.addRecipient('cc', 'Bob <bob@example.org>')).toBe(true)
    expect(s.fieldErrors.cc).toBeUndefined()
    expect(s.addRecipient('bcc', 'ANN@example.org')).toBe(true) // already in To: not added twice
    expect(s.draft!.bcc).toEqual([])
    expect(s.recipients).toEqual(['ann@example.org', 'bob@example.org'])
  })

  it('re-checks readiness once after a burst of changes, with every recipient and the picked keys', async () => {
    // Bob has two certificates, so a pick for him is one of his candidates.
    const two = ['ee', 'ff'].map((fingerprint) => ({ fingerprint, subject: 'Bob', issuer: 'CA', not_after: '', ok: true, comment: '' }))
    const api = fakeApi({
      readiness: vi.fn(async (req: { recipients: string[] }) => {
        const r = readiness(Object.fromEntries(req.recipients.map((a) => [a, ''])))
        r.recipients = r.recipients.map((a) => (a.address === 'bob@example.org' ? { ...a, candidates: two } : a))
        return r
      }),
    })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(api.readiness).toHaveBeenCalledTimes(1)
    s.addRecipient('cc', 'bob@example.org')
    s.addRecipient('bcc', 'carol@example.org')
    s.chooseKey('Bob@example.org', 'ff')
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(api.readiness).toHaveBeenCalledTimes(2)
    expect(api.readiness).toHaveBeenLastCalledWith({
      technology: 'S/MIME', from: 'support@desk.test', recipients: ['ann@example.org', 'bob@example.org', 'carol@example.org'], keys: { 'bob@example.org': 'ff' },
    })
  })

  it('offers the OpenPGP keys of a recipient with several and sends the pick with the next check', async () => {
    const candidates = ['AAAA', 'BBBB'].map((fingerprint) => ({ fingerprint, subject: 'Ann', issuer: 'EdDSA', not_after: '', ok: true, comment: '' }))
    const api = fakeApi({
      readiness: vi.fn(async () => {
        const r = readiness({ 'ann@example.org': '' }, { technology: 'PGP' })
        r.recipients[0] = { ...r.recipients[0], key: 'AAAA', candidates }
        return r
      }),
    })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    s.setTechnology('PGP')
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(s.choices.map((c) => [c.address, c.candidates.length])).toEqual([['ann@example.org', 2]])
    s.chooseKey('ann@example.org', 'BBBB')
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(api.readiness).toHaveBeenLastCalledWith(expect.objectContaining({ technology: 'PGP', keys: { 'ann@example.org': 'BBBB' } }))
    s.setTechnology('S/MIME') // a fingerprint of one technology means nothing in the other
    expect(s.draft!.keys).toEqual({})
  })

  it('drops a pick whose key is no longer held and checks again with the engine\'s choice', async () => {
    const api = fakeApi({ prepare: vi.fn(async () => draft({ technology: 'PGP', keys: { 'ann@example.org': 'GONE' } })) })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(api.readiness).toHaveBeenCalledTimes(2)
    expect(api.readiness).toHaveBeenLastCalledWith(expect.objectContaining({ keys: {} }))
    expect(s.draft!.keys).toEqual({})
    expect(s.readiness?.can_encrypt).toBe(true)
  })

  it('starts a new message to the address of a mailto: link', async () => {
    const api = fakeApi({ prepare: vi.fn(async () => draft({ mode: 'new', to: [], ticket_id: 0, article_id: 0 })) })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'new', to: ['billing@shop.example'] })
    expect(s.draft!.to).toEqual(['billing@shop.example'])
    await s.load({ mode: 'new', to: ['billing@shop.example', 'Billing@Shop.example'] })
    expect(s.draft!.to).toEqual(['billing@shop.example']) // the same address once
    await s.load({ mode: 'new', to: ['a@shop.example, b@shop.example,nonsense'] })
    expect(s.draft!.to).toEqual(['a@shop.example', 'b@shop.example'])
    expect(api.prepare).toHaveBeenLastCalledWith({ mode: 'new', ticket_id: 0, article_id: 0 })
  })

  it('says per recipient why Encrypt is impossible and looks for a certificate in the ticket', async () => {
    const api = fakeApi({
      readiness: vi.fn(async () => readiness({ 'ann@example.org': 'no certificate for ann@example.org: ask them for a signed message' })),
      fixes: vi.fn(async () => [carriedFix()]),
    })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(s.encryptBlocked).toEqual([{ address: 'ann@example.org', comment: 'no certificate for ann@example.org: ask them for a signed message' }])
    expect(api.fixes).toHaveBeenCalledWith(7, ['ann@example.org'], 'S/MIME')
    expect(s.fixFor('Ann@example.org')?.fingerprint).toBe('ab')
    expect(s.sendBlocked).toMatch(/Cannot encrypt/)
    s.setEncrypt(false)
    expect(s.sendBlocked).toBe('')
    await s.applyFix('ann@example.org')
    expect(api.importCarried).toHaveBeenCalledWith(7, 'ann@example.org', 'S/MIME')
  })

  it('looks for an OpenPGP key in the ticket for a PGP recipient without one, and accepts it', async () => {
    const api = pgpFixApi('You have no OpenPGP key for ann@example.org.', carriedPGPKey)
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(api.fixes).toHaveBeenCalledWith(7, ['ann@example.org'], 'PGP')
    expect(s.fixFor('ann@example.org')).toEqual(carriedPGPKey)
    await s.applyFix('Ann@example.org')
    expect(api.importCarried).toHaveBeenCalledWith(7, 'Ann@example.org', 'PGP')
    expect(api.readiness).toHaveBeenCalledTimes(2) // checked again after accepting
  })

  it('applies nothing for a key change, which an admin reviews', async () => {
    const api = pgpFixApi('The key of ann@example.org expired.', keyChange)
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(s.fixFor('ann@example.org')?.kind).toBe('review')
    await s.applyFix('ann@example.org')
    expect(api.importCarried).not.toHaveBeenCalled()
  })

  it('autosaves the draft after a pause and reuses its id', async () => {
    const api = fakeApi()
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    s.draft!.text = 'Hello'
    s.edited()
    s.edited()
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY - 10)
    expect(api.saveDraft).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(20)
    expect(api.saveDraft).toHaveBeenCalledTimes(1)
    expect(vi.mocked(api.saveDraft).mock.calls[0][0]).toMatchObject({ id: 0, text: 'Hello' })
    expect(s.draft!.id).toBe(41)
    s.edited()
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY)
    expect(vi.mocked(api.saveDraft).mock.calls[1][0]).toMatchObject({ id: 41 })
    await s.saveNow() // nothing changed since: no write
    expect(api.saveDraft).toHaveBeenCalledTimes(2)
  })

  it('sends an attachment once and autosaves only its reference', async () => {
    const api = fakeApi()
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    const content = 'ATTACHED-PDF-CONTENT '.repeat(4096) // 84 KiB
    const b64 = btoa(content)
    const attached = s.attach([new File([content], 'invoice.pdf', { type: 'application/pdf' })])
    await vi.runAllTimersAsync() // FileReader
    await attached
    // A new draft is saved first, to have an ID the attachment is stored under.
    expect(api.saveDraft).toHaveBeenCalledTimes(1)
    expect(api.addAttachment).toHaveBeenCalledTimes(1)
    expect(api.addAttachment).toHaveBeenCalledWith(41, 'invoice.pdf', 'application/pdf', b64)
    expect(s.draft!.attachments).toEqual([{ id: 100 + b64.length, name: 'invoice.pdf', content_type: 'application/pdf', size: content.length }])

    for (const text of ['Hello', 'Hello again', 'Hello again, see attached']) {
      s.draft!.text = text
      s.edited()
      await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY)
    }
    const saves = vi.mocked(api.saveDraft).mock.calls.slice(1).map(([d]) => JSON.stringify(d))
    expect(saves).toHaveLength(3)
    for (const payload of saves) {
      expect(payload).not.toContain(b64.slice(0, 64))
      expect(payload).toContain('"attachments":[{"id":')
      expect(payload.length).toBeLessThan(1024)
    }
    expect(api.addAttachment).toHaveBeenCalledTimes(1)
    const sent = s.send()
    await sent
    expect(JSON.stringify(vi.mocked(api.send).mock.calls[0][1])).not.toContain(b64.slice(0, 64))

    await s.removeAttachment(0)
    expect(api.removeAttachment).toHaveBeenCalledWith(41, 100 + b64.length)
    expect(s.draft!.attachments).toEqual([])
  })

  it('saves a new draft once when an autosave and an attachment need it at the same time', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const api = fakeApi({
      saveDraft: vi.fn(async (d) => {
        await gate
        return { ...d, id: d.id || 41, updated_at: 't' }
      }),
    })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'new' })
    s.edited()
    await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY) // the autosave of the new draft is under way
    const attached = s.attach([new File(['x'], 'x.txt', { type: 'text/plain' })])
    release()
    await vi.runAllTimersAsync()
    await attached
    expect(api.saveDraft).toHaveBeenCalledTimes(1)
    expect(api.addAttachment).toHaveBeenCalledWith(41, 'x.txt', 'text/plain', 'eA==')
  })

  it('follows the progress of its own send and reports a failed one with its reason', async () => {
    const handlers = new Map<string, (p: unknown) => void>()
    const subscribe = ((name: string, cb: (p: unknown) => void) => (handlers.set(name, cb), () => handlers.delete(name))) as never
    let finish: (v: never) => void = () => {}
    const api = fakeApi({ send: vi.fn(() => new Promise<never>((r) => (finish = r))) })
    const s = new ComposeStore(api, { list: async () => groups }, subscribe)
    s.listen()
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    const p = s.send()
    expect(s.step).toBe('checking')
    await vi.waitFor(() => expect(api.send).toHaveBeenCalled())
    const sendId = vi.mocked(api.send).mock.calls[0][0]
    handlers.get('send:progress')!({ send_id: 'other', step: 'failed', outbox_id: 0, message: '' })
    expect(s.step).toBe('checking')
    handlers.get('send:progress')!({ send_id: sendId, step: 'sending', outbox_id: 0, message: '' })
    expect(s.step).toBe('sending')
    finish({ id: 5, status: 'failed', reason: 'The server refused the recipient ann@example.org: 550 no such user', advice: 'Correct it, then Retry.' } as never)
    await p
    expect(s.step).toBe('failed')
    expect(s.stepMessage).toContain('550 no such user')
    expect(s.sending).toBe(false)
  })
})

describe('the note on a signature without our CA (issue 14)', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('says recipients need our CA while Sign is on, and nothing once it is off', async () => {
    const comment = "your certificate's CA is not imported: recipients can verify the signature only if they hold that CA (CN=Desk CA)"
    const api = fakeApi({
      readiness: vi.fn(async () => readiness({ 'ann@example.org': '' }, { sign: { ok: true, reason: '', comment, key: 'aa', own: false, candidates: [], address: 'support@desk.test', note: 'recipients_need_our_ca', note_text: `Note: ${comment}. Import your CA under Certificates, or send it to them.` } })),
    })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    await vi.advanceTimersByTimeAsync(READINESS_DELAY)
    expect(s.signBlocked).toBe('')
    expect(s.signNote).toContain('CN=Desk CA')
    s.setSign(false)
    expect(s.signNote).toBe('')
  })
})

describe('no double answers', () => {
  const annasAnswer = {
    id: 9, message_id: 'r2@desk.test', from: 'support@desk.test', to: 'ann@example.org', subject: 'Re: Printer', date: 'Tue, 02 Jun 2026 10:42:00 +0000',
    direction: 'out', security: {} as never, pending: false, expunged: false, agent: 'anna@desk.test', agent_name: 'Anna Agent',
  }
  const now = { ticket_id: 7, article_id: 9, history_id: 4, reply_uid: 0 }
  const answered = { articles: [annasAnswer], changes: [], names: { 'anna@desk.test': 'Anna' }, now }

  it('shows another agent\'s answer on the first Send and sends with the acknowledged mark on the second', async () => {
    const api = fakeApi({ meanwhile: vi.fn(async () => answered) })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    expect(await s.send()).toBeNull()
    expect(api.send).not.toHaveBeenCalled()
    expect(s.meanwhile?.articles[0].id).toBe(9)
    expect(s.sending).toBe(false)
    expect(s.step).toBeNull()
    expect(api.meanwhile).toHaveBeenCalledWith({ ticket_id: 7, article_id: 3, history_id: 0, reply_uid: 0 })
    await s.send()
    expect(api.send).toHaveBeenCalledTimes(1)
    expect(vi.mocked(api.send).mock.calls[0][1].seen).toEqual(now)
    expect(s.meanwhile).toBeNull()
  })

  it("loads the answer's content for the notice, once, with remote content blocked", async () => {
    const api = fakeApi({ meanwhile: vi.fn(async () => answered) })
    const section = { origin: 'unprotected', label: '', document: '<p>Fixed.</p>', remote_blocked: 0, notices: [], attachments: [], links: [] }
    const content = vi.fn(async (id: number) => ({ article_id: id, sections: [section], remote_blocked: 0, load_remote: false }))
    const s = new ComposeStore(api, { list: async () => groups }, noEvents, { content })
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    await s.checkMeanwhile()
    await vi.waitFor(() => expect(s.meanwhileContent[9]?.sections[0].document).toBe('<p>Fixed.</p>'))
    await s.checkMeanwhile()
    expect(content).toHaveBeenCalledTimes(1)
    expect(content).toHaveBeenCalledWith(9, false)
  })

  it('sends at once when nothing happened, and checks nothing for a new ticket', async () => {
    const api = fakeApi()
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    await s.send()
    expect(api.send).toHaveBeenCalledTimes(1)
    const fresh = fakeApi({ prepare: vi.fn(async () => draft({ mode: 'new', ticket_id: 0, seen: { ticket_id: 0, article_id: 0, history_id: 0, reply_uid: 0 } })) })
    const n = new ComposeStore(fresh, { list: async () => groups }, noEvents)
    await n.load({ mode: 'new' })
    await n.send()
    expect(fresh.meanwhile).not.toHaveBeenCalled()
    expect(fresh.send).toHaveBeenCalledTimes(1)
  })

  it('asks again on a sync while open', async () => {
    const handlers = new Map<string, (p: unknown) => void>()
    const subscribe = ((name: string, cb: (p: unknown) => void) => (handlers.set(name, cb), () => handlers.delete(name))) as never
    const api = fakeApi()
    const s = new ComposeStore(api, { list: async () => groups }, subscribe)
    s.listen()
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    vi.mocked(api.meanwhile).mockResolvedValueOnce(answered)
    handlers.get('sync:state')!({})
    await vi.waitFor(() => expect(s.meanwhile).not.toBeNull())
  })

  it('shows an answer Go refused in the moment between the check and the send, without a "not sent" error beside it', async () => {
    const handlers = new Map<string, (p: unknown) => void>()
    const subscribe = ((name: string, cb: (p: unknown) => void) => (handlers.set(name, cb), () => handlers.delete(name))) as never
    const api = fakeApi({ send: vi.fn(async () => Promise.reject({ code: 'answered_meanwhile', message: 'Someone else answered' })) })
    const s = new ComposeStore(api, { list: async () => groups }, subscribe)
    s.listen()
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    vi.mocked(api.meanwhile)
      .mockResolvedValueOnce({ articles: [], changes: [], names: {}, now: { ticket_id: 7, article_id: 3, history_id: 0, reply_uid: 0 } })
      .mockImplementationOnce(async () => {
        // Go's progress event for the refusal arrives while the notice loads.
        const sendId = vi.mocked(api.send).mock.calls[0][0]
        handlers.get('send:progress')!({ send_id: sendId, step: 'failed', outbox_id: 0, message: 'Someone else answered' })
        return answered
      })
    expect(await s.send()).toBeNull()
    expect(s.meanwhile).not.toBeNull()
    expect(s.error).toBeNull()
    expect(s.step).toBeNull()
    expect(s.stepMessage).toBe('')
  })

  it("shows another agent's reply claim on Send and sends anyway with the claim acknowledged", async () => {
    const claim = { uid: 41, agent: 'bob@desk.test', name: 'Bob', at: '2026-06-02T10:42:00Z' }
    const refusal = JSON.stringify({ code: 'reply_claimed', message: 'Bob started sending an answer to this ticket 3 s ago.', claim })
    const api = fakeApi()
    vi.mocked(api.send).mockRejectedValueOnce(refusal)
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    expect(await s.send()).toBeNull()
    expect(s.replyClaim).toEqual({ claim, notice: 'Bob started sending an answer to this ticket 3 s ago.' })
    expect(s.error).toBeNull()
    expect(s.step).toBeNull()
    expect(vi.mocked(api.send).mock.calls[0][1].seen.reply_uid).toBe(0)
    const res = await s.send()
    expect(res?.status).toBe('sent')
    expect(api.send).toHaveBeenCalledTimes(2)
    expect(vi.mocked(api.send).mock.calls[1][1].seen).toEqual({ ticket_id: 7, article_id: 3, history_id: 0, reply_uid: 41 })
    expect(s.replyClaim).toBeNull()
  })

  it('keeps an acknowledged reply claim when an answer shown meanwhile is acknowledged too', async () => {
    const claim = { uid: 41, agent: 'bob@desk.test', name: 'Bob', at: '2026-06-02T10:42:00Z' }
    const api = fakeApi({
      meanwhile: vi.fn().mockResolvedValueOnce({ articles: [], changes: [], names: {}, now: { ticket_id: 7, article_id: 3, history_id: 0, reply_uid: 0 } }).mockResolvedValue(answered),
    })
    vi.mocked(api.send).mockRejectedValueOnce({ code: 'reply_claimed', message: 'Bob started sending an answer to this ticket 3 s ago.', claim })
    const s = new ComposeStore(api, { list: async () => groups }, noEvents)
    await s.load({ mode: 'reply', ticketId: 7, articleId: 3 })
    expect(await s.send()).toBeNull() // Bob's claim
    expect(await s.send()).toBeNull() // then Bob's answer arrived: shown
    expect(s.meanwhile).not.toBeNull()
    await s.send()
    expect(vi.mocked(api.send).mock.calls.at(-1)![1].seen).toEqual({ ...now, reply_uid: 41 })
  })

  it('names the agent, the time and the changes', () => {
    const text = meanwhileNotice({ ...answered, changes: [{ field: 'state', value: 'closed', agent: 'bob@desk.test', at: '2026-06-02T10:43:00Z', outcome: 'applied' }] })
    expect(text).toMatch(/^Anna answered this ticket at .+ \(shown below\); bob@desk.test set it closed at .+ — send anyway\?$/)
  })
})
