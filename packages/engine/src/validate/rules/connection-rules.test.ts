import { describe, expect, it } from 'vitest'
import { flow } from '../../run/fixtures'
import { validate } from '../validate'

const braze = (id: string, connectionId?: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'braze-send-message',
  config: { ...(connectionId === undefined ? {} : { connectionId }), audience: 'event.userId', ...extra },
})

const wf = flow(
  [
    { id: 's', type: 'start' },
    braze('b1'),
    braze('b2', 'conn_gone'),
    braze('b3', 'conn_http'),
    braze('b4', 'conn_braze'),
    { id: 'e', type: 'end' },
  ],
  ['s -> b1', 'b1 -> b2', 'b2 -> b3', 'b3 -> b4', 'b4 -> e'],
)
const connections = [
  { id: 'conn_http', name: 'Other API', type: 'http' },
  { id: 'conn_braze', name: 'Braze prod', type: 'braze' },
]
const codes = (issues: { code: string; nodeId?: string; edgeId?: string }[], prefix: string) =>
  issues
    .filter((i) => i.code.startsWith(prefix))
    .map((i) => `${i.code} ${i.nodeId ?? ''}${i.edgeId ? ` ${i.edgeId}` : ''}`)

describe('connection and error-branch rules (one validation for browser, CLI and server)', () => {
  it('checks connection references against the connections given', () => {
    expect(codes(validate(wf, { connections }), 'connection')).toEqual([
      'connection-missing b1',
      'connection-not-found b2',
      'connection-wrong-type b3',
    ])
    // A Map (the server's catalog) works the same as a list.
    const byId = new Map(connections.map((c) => [c.id, c]))
    expect(validate(wf, { connections: byId })).toEqual(validate(wf, { connections }))
  })

  it('says nothing about connections when the caller has no list (the CLI)', () => {
    expect(codes(validate(wf), 'connection')).toEqual([])
  })

  it('warns about error edges nobody takes and error handling without an error edge', () => {
    const handled = flow(
      [
        { id: 's', type: 'start' },
        { id: 't', type: 'transform', config: { vars: { x: '1' } } },
        { id: 'u', type: 'transform', config: { vars: { x: '1' }, onError: 'continue' } },
        { id: 'd', type: 'decision', shape: 'diamond', config: { subject: 'vars.x' } },
        { id: 'e', type: 'end' },
      ],
      ['s -> t', 't -> u', 't -> e : error', 'u -> d', 'd -> e : error', 'd -> e : else'],
    )
    expect(codes(validate(handled), 'error-')).toEqual(['error-edge-unused t e3', 'error-branch-missing u'])
  })
})
