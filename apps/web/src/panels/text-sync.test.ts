import { describe, expect, it } from 'vitest'
import { format, parse } from '../lib/engine'
import { sampleWorkflow } from '../test/fixtures'
import { mergeParsed, minimalChange, sameGraph } from './text-sync'

describe('text view sync', () => {
  it('text without positions keeps the canvas positions and the unchanged node objects', () => {
    const current = sampleWorkflow()
    const text = format({ ...current, nodes: current.nodes.map(({ position: _, ...n }) => n) })
    const merged = mergeParsed(parse(text).workflow!, current)
    expect(merged.nodes.map((n) => n.position)).toEqual(current.nodes.map((n) => n.position))
    expect(merged.nodes[0]).toBe(current.nodes[0])
    expect(sameGraph(merged, current)).toBe(true)
  })

  it('a node typed into the text is placed below the drawing', () => {
    const current = sampleWorkflow()
    const parsed = parse(`${format(current)}\nn9: rectangle label:"Typed"`).workflow!
    const n9 = mergeParsed(parsed, current).nodes.find((n) => n.id === 'n9')!
    expect(n9.position!.y).toBeGreaterThan(400)
  })

  it('rewrites only the part of the text that changed', () => {
    expect(minimalChange('a label:"x" b', 'a label:"yy" b')).toEqual({ from: 9, to: 10, insert: 'yy' })
    expect(minimalChange('same', 'same')).toBeNull()
  })
})
