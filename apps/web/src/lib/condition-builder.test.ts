import { describe, expect, it } from 'vitest'
import { type DecisionRules, readRules, writeRules } from './condition-builder'

const edgesOf = (labels: Map<string, string>) => [...labels].map(([id, label]) => ({ id, label }))

function roundTrip(rules: DecisionRules) {
  const { subject, labels } = writeRules(rules)
  return { subject, labels, back: readRules(subject, edgesOf(labels)) }
}

describe('condition builder', () => {
  it('writes one field with comparisons as the notation does: subject = field, labels = conditions', () => {
    const { subject, labels, back } = roundTrip({
      rules: [
        { edgeId: 'a', field: 'steps.n9.confidence', operator: 'gt', value: '0.7' },
        { edgeId: 'b', field: 'steps.n9.confidence', operator: 'lte', value: '0.7' },
      ],
      elseEdgeId: null,
    })
    expect(subject).toBe('steps.n9.confidence')
    expect([...labels.values()]).toEqual(['> 0.7', '<= 0.7'])
    expect(back?.rules.map((r) => [r.operator, r.value])).toEqual([
      ['gt', '0.7'],
      ['lte', '0.7'],
    ])
  })

  it('reads the seed template n17 style labels (bare values and else)', () => {
    const r = readRules('event.type', [
      { id: 'x', label: 'page' },
      { id: 'y', label: '!= identify' },
      { id: 'z', label: 'else' },
    ])
    expect(r).toEqual({
      rules: [
        { edgeId: 'x', field: 'event.type', operator: 'equals', value: 'page' },
        { edgeId: 'y', field: 'event.type', operator: 'not-equals', value: 'identify' },
      ],
      elseEdgeId: 'z',
    })
  })

  it('quotes equality values the notation would read as an operator or as else', () => {
    const { labels } = writeRules({
      rules: [
        { edgeId: 'a', field: 'event.x', operator: 'equals', value: 'else' },
        { edgeId: 'b', field: 'event.x', operator: 'equals', value: '>5' },
      ],
      elseEdgeId: null,
    })
    expect([...labels.values()]).toEqual(['"else"', '">5"'])
    expect(readRules('event.x', edgesOf(labels))?.rules.map((r) => r.value)).toEqual(['else', '>5'])
  })

  it('exists, contains and rules on different fields make the subject name the branch', () => {
    const rules: DecisionRules = {
      rules: [
        { edgeId: 'a', field: 'steps.n3.accepted', operator: 'exists', value: '' },
        { edgeId: 'b', field: 'event.context.traits.email', operator: 'contains', value: 'gmail' },
        { edgeId: 'c', field: 'event.properties.total', operator: 'gte', value: '100' },
      ],
      elseEdgeId: 'd',
    }
    const { subject, labels, back } = roundTrip(rules)
    expect(subject).toBe(
      '$exists(steps.n3.accepted) ? "accepted exists" : $contains($string(event.context.traits.email), "gmail") ? "email contains gmail" : event.properties.total >= 100 ? "total is at least 100"',
    )
    expect(labels.get('d')).toBe('else')
    expect(back).toEqual(rules)
  })

  it('a branch added to a decision on several fields stays in the builder as a rule to fill in', () => {
    const subject = '$exists(steps.n3.accepted) ? "accepted exists"'
    const read = readRules(subject, [
      { id: 'a', label: 'accepted exists' },
      { id: 'b' },
      { id: 'c', label: 'else' },
    ])
    expect(read?.rules.map((r) => [r.edgeId, r.field, r.operator])).toEqual([
      ['a', 'steps.n3.accepted', 'exists'],
      ['b', '', 'equals'],
    ])
    const written = writeRules(read!)
    expect(written.subject).toBe(subject)
    expect(written.labels.get('b')).toBe('""')
    expect(readRules(written.subject, edgesOf(written.labels))).toEqual(read)
  })

  it('leaves hand-written JSONata to the advanced editor', () => {
    expect(readRules('$count(event.items) > 2 ? "many"', [{ id: 'a', label: 'many' }])).toBeNull()
    expect(readRules('event.type', [{ id: 'a', label: '> x' }])).toBeNull()
  })
})
