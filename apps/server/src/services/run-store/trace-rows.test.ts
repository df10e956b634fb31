import { describe, expect, it } from 'vitest'
import { packTrace } from './trace-rows'

describe('packTrace', () => {
  it('stores the consecutive events of each run as one JSON array, in order', () => {
    const rows = packTrace([
      { run_id: 'a', seq: 1, data: '{"type":"run.started"}' },
      { run_id: 'b', seq: 7, data: '{"n":7}' },
      { run_id: 'a', seq: 2, data: '{"n":2}' },
      { run_id: 'a', seq: 3, data: '{"n":3}' },
    ])
    expect(rows).toEqual([
      { run_id: 'a', first_seq: 1, last_seq: 3, data: '[{"type":"run.started"},{"n":2},{"n":3}]' },
      { run_id: 'b', first_seq: 7, last_seq: 7, data: '[{"n":7}]' },
    ])
    expect(JSON.parse(rows[0].data)).toHaveLength(3)
  })

  it('never labels events with the wrong numbers: a gap starts another row', () => {
    const rows = packTrace([
      { run_id: 'a', seq: 1, data: '1' },
      { run_id: 'a', seq: 3, data: '3' },
    ])
    expect(rows.map((r) => [r.first_seq, r.last_seq, r.data])).toEqual([
      [1, 1, '[1]'],
      [3, 3, '[3]'],
    ])
  })
})
