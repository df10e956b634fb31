import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from '../dsl/parser'
import { diffHasChanges, diffStatusById, diffWorkflows } from './diff'
import type { Workflow } from './schema'

const base: Workflow = {
  title: 'Welcome',
  description: '',
  groups: [{ id: 'G', title: 'Main' }],
  nodes: [
    { id: 'start', group: 'G', shape: 'circle', label: 'Start', type: 'start' },
    {
      id: 'pick',
      group: 'G',
      shape: 'diamond',
      label: 'Channel?',
      type: 'decision',
      config: { subject: 'x' },
    },
    { id: 'mail', group: 'G', shape: 'rectangle', label: 'Email', config: { vars: { a: '1', b: '2' } } },
    { id: 'push', group: 'G', shape: 'rectangle', label: 'Push', position: { x: 0, y: 0 } },
  ],
  edges: [
    { id: 'start->pick', source: 'start', sourceHandle: 'right', target: 'pick', targetHandle: 'left' },
    {
      id: 'pick->mail',
      source: 'pick',
      sourceHandle: 'right',
      target: 'mail',
      targetHandle: 'left',
      label: 'email',
    },
    {
      id: 'pick->push',
      source: 'pick',
      sourceHandle: 'bottom',
      target: 'push',
      targetHandle: 'top',
      label: 'else',
    },
  ],
}

const edit = (fn: (w: Workflow) => void): Workflow => {
  const copy = structuredClone(base)
  fn(copy)
  return copy
}

describe('diffWorkflows', () => {
  it('finds nothing between a model and its copy', () => {
    const d = diffWorkflows(base, structuredClone(base))
    expect(diffHasChanges(d)).toBe(false)
    expect(d.moved).toEqual([])
  })

  it('reports exactly one added, one removed, one relabelled node and one changed condition', () => {
    const after = edit((w) => {
      w.nodes = w.nodes.filter((n) => n.id !== 'push')
      w.edges = w.edges.filter((e) => e.target !== 'push')
      w.nodes.push({ id: 'sms', group: 'G', shape: 'rectangle', label: 'SMS' })
      w.nodes.find((n) => n.id === 'mail')!.label = 'Send email'
      w.edges.find((e) => e.id === 'pick->mail')!.label = 'mail'
    })
    const d = diffWorkflows(base, after)
    expect(d.nodes.map((n) => [n.id, n.status])).toEqual([
      ['mail', 'changed'],
      ['sms', 'added'],
      ['push', 'removed'],
    ])
    expect(d.nodes[0].changes).toEqual([{ field: 'label', before: 'Email', after: 'Send email' }])
    expect(d.nodes[2].before?.label).toBe('Push')
    expect(d.edges.map((e) => [e.id, e.status])).toEqual([
      ['pick->mail', 'changed'],
      ['pick->push', 'removed'],
    ])
    // A decision's edge label is its routing condition.
    expect(d.edges[0].changes).toEqual([{ field: 'condition', before: 'email', after: 'mail' }])
    const status = diffStatusById(d)
    expect(status.nodes.get('sms')).toBe('added')
    expect(status.nodes.has('start')).toBe(false)
  })

  it('names the configuration path that changed, not just "config"', () => {
    const after = edit((w) => {
      const mail = w.nodes.find((n) => n.id === 'mail')!
      mail.config = { vars: { a: '1', b: '3', c: '4' } }
      w.nodes.find((n) => n.id === 'pick')!.config = { subject: 'y' }
    })
    const d = diffWorkflows(base, after)
    expect(d.nodes.find((n) => n.id === 'mail')?.changes).toEqual([
      { field: 'config', path: 'vars.b', before: '2', after: '3' },
      { field: 'config', path: 'vars.c', before: undefined, after: '4' },
    ])
    expect(d.nodes.find((n) => n.id === 'pick')?.changes).toEqual([
      { field: 'config', path: 'subject', before: 'x', after: 'y' },
    ])
  })

  it('treats key order in configuration as no change', () => {
    const after = edit((w) => {
      w.nodes.find((n) => n.id === 'mail')!.config = { vars: { b: '2', a: '1' } }
    })
    expect(diffHasChanges(diffWorkflows(base, after))).toBe(false)
  })

  it('reports type, shape, group, endpoints and plain labels field by field', () => {
    const after = edit((w) => {
      w.groups.push({ id: 'H', title: 'Other' })
      const push = w.nodes.find((n) => n.id === 'push')!
      Object.assign(push, { type: 'wait', shape: 'circle', group: 'H' })
      const e = w.edges.find((x) => x.id === 'start->pick')!
      Object.assign(e, { targetHandle: 'top', label: 'go' })
    })
    const d = diffWorkflows(base, after)
    expect(d.groups).toEqual([{ id: 'H', status: 'added', after: { id: 'H', title: 'Other' }, changes: [] }])
    expect(d.nodes[0].changes.map((c) => c.field)).toEqual(['type', 'shape', 'group'])
    expect(d.edges[0].changes).toEqual([
      { field: 'targetHandle', before: 'left', after: 'top' },
      { field: 'label', before: undefined, after: 'go' },
    ])
  })

  it('lists a moved node apart from changes', () => {
    const after = edit((w) => {
      w.nodes.find((n) => n.id === 'push')!.position = { x: 40, y: 0 }
    })
    const d = diffWorkflows(base, after)
    expect(diffHasChanges(d)).toBe(false)
    expect(d.moved).toEqual(['push'])
  })

  it('reports title, description and test-case edits', () => {
    const after = edit((w) => {
      w.title = 'Welcome 2'
      w.tests = [{ name: 'page', event: {} }]
    })
    expect(diffWorkflows(base, after).workflow.map((c) => c.field)).toEqual(['title', 'tests'])
  })

  it('diffs the personalization template against itself reparsed without noise', () => {
    const text = readFileSync(new URL('../../templates/personalization.flow', import.meta.url), 'utf8')
    const a = parse(text).workflow!
    const b = parse(text).workflow!
    expect(diffHasChanges(diffWorkflows(a, b))).toBe(false)
  })
})
