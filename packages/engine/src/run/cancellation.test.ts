import { describe, expect, it } from 'vitest'
import { Cancellation } from './cancellation'

describe('Cancellation', () => {
  it('calls each listener once, on the first abort, and none that was removed', () => {
    const c = new Cancellation()
    const calls: string[] = []
    const kept = () => calls.push('kept')
    const removed = () => calls.push('removed')
    c.addEventListener('abort', kept, { once: true })
    c.addEventListener('abort', removed)
    c.removeEventListener('abort', removed)
    expect(c.aborted).toBe(false)
    c.abort()
    c.abort()
    expect(c.aborted).toBe(true)
    expect(calls).toEqual(['kept'])
  })

  it('never calls a listener added after the abort, as an AbortSignal would not', () => {
    const c = new Cancellation()
    c.abort()
    let called = false
    c.addEventListener('abort', () => {
      called = true
    })
    c.abort()
    expect(called).toBe(false)
  })
})
