import { describe, expect, it } from 'vitest'
import { app } from '../wailsjs/go/models'
import { TICKET_STATES } from './generated'
import { TICKET_STATE_LABELS } from './labels'
import { model } from './model'
import { ticketState } from './tickets'

describe('model', () => {
  it('builds the generated class with its nested models and sends the same JSON', () => {
    const fields = { query: { direction: 'in', technology: 'PGP', operation: '', status: '', search: '', limit: 10 }, format: 'csv' }
    const req = model(app.ExportLogsRequest, fields)
    expect(req).toBeInstanceOf(app.ExportLogsRequest)
    expect(JSON.parse(JSON.stringify(req))).toEqual(JSON.parse(JSON.stringify(fields)))
  })
})

describe('ticket states', () => {
  it('reads only the generated states and labels each', () => {
    for (const s of TICKET_STATES) {
      expect(ticketState(s)).toBe(s)
      expect(TICKET_STATE_LABELS[s]).toBeTruthy()
    }
    expect(ticketState('archived')).toBeUndefined()
  })
})
