import { describe, expect, it } from 'vitest'
import { runFilterOf } from './runs-page'

describe('runFilterOf', () => {
  it('passes each of the six run statuses to the server', () => {
    for (const status of ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'])
      expect(runFilterOf({ status })).toMatchObject({ status })
  })

  it('drops a status the server no longer knows (an old link to interrupted runs)', () => {
    expect(runFilterOf({ status: 'interrupted' })).not.toHaveProperty('status')
  })
})
