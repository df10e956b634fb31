import { degrees, nodeKind } from './node-kind'
import type { Group, Workflow, WorkflowEdge, WorkflowNode } from './schema'

/**
 * A structural diff of two workflow models, keyed by id (never by label, so a rename is a
 * change, not a remove + add). Positions are layout, not behaviour: a node that only moved
 * is listed in `moved` and does not count as changed, so audits are not drowned in drags.
 */
export type DiffStatus = 'added' | 'removed' | 'changed'

export interface FieldChange {
  /**
   * `label`, `type`, `shape`, `group`, `config` on nodes; `label` or `condition` (an edge
   * leaving a decision), `source`, `target`, `sourceHandle`, `targetHandle` on edges;
   * `title` on groups; `title`, `description`, `tests` on the workflow.
   */
  field: string
  /** Inside `config`: the dotted path of the value that changed (`subject`, `vars.intent`). */
  path?: string
  before: unknown
  after: unknown
}

export interface ItemDiff<T> {
  id: string
  status: DiffStatus
  before?: T
  after?: T
  /** Field-level changes; empty for added and removed items. */
  changes: FieldChange[]
}

export interface WorkflowDiff {
  nodes: ItemDiff<WorkflowNode>[]
  edges: ItemDiff<WorkflowEdge>[]
  groups: ItemDiff<Group>[]
  /** Title, description and test-case changes. */
  workflow: FieldChange[]
  /** Ids of nodes present in both versions whose position alone changed. */
  moved: string[]
}

const NODE_FIELDS = ['label', 'type', 'shape', 'group'] as const
const EDGE_ENDPOINTS = ['source', 'sourceHandle', 'target', 'targetHandle'] as const

export function diffWorkflows(a: Workflow, b: Workflow): WorkflowDiff {
  const decisionsA = decisionIds(a)
  const decisionsB = decisionIds(b)
  const moved: string[] = []

  const nodes = diffById(a.nodes, b.nodes, (x, y) => {
    const changes: FieldChange[] = []
    for (const field of NODE_FIELDS) {
      const before = x[field] ?? null
      const after = y[field] ?? null
      if (before !== after) changes.push({ field, before: x[field], after: y[field] })
    }
    diffValue(x.config, y.config, '', changes)
    if (!samePosition(x.position, y.position)) moved.push(x.id)
    return changes
  })

  const edges = diffById(a.edges, b.edges, (x, y) => {
    const changes: FieldChange[] = []
    for (const field of EDGE_ENDPOINTS) {
      if (x[field] !== y[field]) changes.push({ field, before: x[field], after: y[field] })
    }
    if ((x.label ?? '') !== (y.label ?? '')) {
      // On a decision's branch the label is the routing condition: say so, it changes behaviour.
      const condition = decisionsA.has(x.source) || decisionsB.has(y.source)
      changes.push({ field: condition ? 'condition' : 'label', before: x.label, after: y.label })
    }
    return changes
  })

  const groups = diffById(a.groups, b.groups, (x, y) =>
    x.title === y.title ? [] : [{ field: 'title', before: x.title, after: y.title }],
  )

  const workflow: FieldChange[] = []
  if (a.title !== b.title) workflow.push({ field: 'title', before: a.title, after: b.title })
  if (a.description !== b.description)
    workflow.push({ field: 'description', before: a.description, after: b.description })
  if (!deepEqual(a.tests ?? [], b.tests ?? []))
    workflow.push({ field: 'tests', before: a.tests, after: b.tests })

  // A node that moved but also changed is already listed as changed.
  const changedIds = new Set(nodes.map((n) => n.id))
  return { nodes, edges, groups, workflow, moved: moved.filter((id) => !changedIds.has(id)) }
}

/** True when the two versions differ in anything but node positions. */
export function diffHasChanges(diff: WorkflowDiff): boolean {
  return diff.nodes.length + diff.edges.length + diff.groups.length + diff.workflow.length > 0
}

/** Each item's status by id, for colouring a canvas (unchanged items are absent). */
export function diffStatusById(diff: WorkflowDiff): {
  nodes: Map<string, DiffStatus>
  edges: Map<string, DiffStatus>
  groups: Map<string, DiffStatus>
} {
  const index = <T>(items: ItemDiff<T>[]) => new Map(items.map((i) => [i.id, i.status]))
  return { nodes: index(diff.nodes), edges: index(diff.edges), groups: index(diff.groups) }
}

/** Changed and added items in `b`'s order, then removed ones in `a`'s order. */
function diffById<T extends { id: string }>(
  a: readonly T[],
  b: readonly T[],
  compare: (before: T, after: T) => FieldChange[],
): ItemDiff<T>[] {
  const before = new Map(a.map((x) => [x.id, x]))
  const afterIds = new Set(b.map((x) => x.id))
  const out: ItemDiff<T>[] = []
  for (const item of b) {
    const old = before.get(item.id)
    if (!old) {
      out.push({ id: item.id, status: 'added', after: item, changes: [] })
      continue
    }
    const changes = compare(old, item)
    if (changes.length > 0) out.push({ id: item.id, status: 'changed', before: old, after: item, changes })
  }
  for (const item of a) {
    if (!afterIds.has(item.id)) out.push({ id: item.id, status: 'removed', before: item, changes: [] })
  }
  return out
}

function decisionIds(w: Workflow): Set<string> {
  const deg = degrees(w)
  return new Set(w.nodes.filter((n) => nodeKind(n, deg.get(n.id)) === 'decision').map((n) => n.id))
}

function samePosition(p?: { x: number; y: number }, q?: { x: number; y: number }): boolean {
  if (!p || !q) return p === q
  return p.x === q.x && p.y === q.y
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Configuration changes down to the leaf that changed, so "vars.intent changed" is said
 * instead of "config changed". Arrays are compared whole: an index path into a reordered
 * list reads as noise.
 */
function diffValue(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)])
    for (const key of keys) diffValue(before[key], after[key], path ? `${path}.${key}` : key, out)
    return
  }
  if (deepEqual(before, after)) return
  out.push({ field: 'config', ...(path ? { path } : {}), before, after })
}

/** Structural equality of JSON-like values; object key order does not matter. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]))
  }
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  const keys = Object.keys(ao).filter((k) => ao[k] !== undefined)
  const bKeys = Object.keys(bo).filter((k) => bo[k] !== undefined)
  return keys.length === bKeys.length && keys.every((k) => deepEqual(ao[k], bo[k]))
}
