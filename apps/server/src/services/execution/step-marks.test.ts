import { describe, expect, it } from 'vitest'
import { StepMarks } from './step-marks'

describe('StepMarks', () => {
  it('reports a step as overdue only while the event loop stands still', () => {
    const marks = StepMarks.create(4)
    const t0 = Date.now()
    marks.beat()
    marks.computing(2, 7)
    // A step that waits (a retry's pause): the loop keeps beating, nothing is overdue.
    expect(marks.overdue(1_000, t0 + 500)).toEqual([])
    marks.beat()
    expect(marks.overdue(1_000, Date.now() + 900)).toEqual([])
    // The loop stopped beating and the step has computed past the limit.
    expect(marks.overdue(1_000, Date.now() + 1_500)).toEqual([{ slot: 2, node: 7 }])
    marks.idle(2)
    expect(marks.overdue(1_000, Date.now() + 1_500)).toEqual([])
    expect(marks.slots).toBe(4)
  })
})
