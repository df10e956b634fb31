import { type Adjacency, buildAdjacency, inDegree, outDegree } from '../model/adjacency'
import { type Degree, effectiveType, type NodeKind, nodeKind } from '../model/node-kind'
import { reachableFrom } from '../model/reachable'
import type { Workflow, WorkflowNode } from '../model/schema'
import type { ConnectionInfo } from '../nodes/shared/connections'
import type { NodeSpec } from '../nodes/spec'
import { getNodeSpec } from '../nodes/specs'
import type { Issue } from './issue'

/**
 * Everything rules share, computed once per validation: adjacency, each node's kind,
 * effective type and spec, and what the start reaches. Rules then run in O(n + m).
 */
export interface ValidationContext {
  workflow: Workflow
  adj: Adjacency
  kinds: NodeKind[]
  types: string[]
  specs: (NodeSpec | undefined)[]
  starts: number[]
  /** 1 when the node is reachable from a start (all 0 when there is no start). */
  reachable: Uint8Array
  /** The connections steps may refer to, by id; null when the caller has no list (connection rules are skipped). */
  connections: ReadonlyMap<string, ConnectionInfo> | null
}

export interface ValidateOptions {
  /**
   * The connections that exist (the server's catalog, the browser's list from it). Given,
   * steps' connection references are checked: required ones chosen, existing, of the right
   * type. Left out (the CLI has no connection store), those checks are skipped.
   */
  connections?: Iterable<ConnectionInfo> | ReadonlyMap<string, ConnectionInfo>
}

export type Rule = (ctx: ValidationContext, issues: Issue[]) => void

export function createContext(workflow: Workflow, options: ValidateOptions = {}): ValidationContext {
  const adj = buildAdjacency(workflow)
  const n = workflow.nodes.length
  const kinds: NodeKind[] = new Array(n)
  const types: string[] = new Array(n)
  const specs: (NodeSpec | undefined)[] = new Array(n)
  const starts: number[] = []
  const degree: Degree = { incoming: 0, outgoing: 0 }
  for (let i = 0; i < n; i++) {
    const node = workflow.nodes[i]
    degree.incoming = inDegree(adj, i)
    degree.outgoing = outDegree(adj, i)
    kinds[i] = nodeKind(node, degree)
    types[i] = effectiveType(node, degree)
    specs[i] = getNodeSpec(types[i])
    if (kinds[i] === 'start') starts.push(i)
  }
  return {
    workflow,
    adj,
    kinds,
    types,
    specs,
    starts,
    reachable: reachableFrom(adj, starts),
    connections: connectionMap(options.connections),
  }
}

function connectionMap(list: ValidateOptions['connections']): ReadonlyMap<string, ConnectionInfo> | null {
  if (list === undefined) return null
  if (list instanceof Map) return list
  return new Map([...(list as Iterable<ConnectionInfo>)].map((c) => [c.id, c]))
}

/** `n4 ("Event type?")`: the id users search for, plus the label they see on the canvas. */
export function describeNode(node: WorkflowNode): string {
  return node.label.trim() === '' ? node.id : `${node.id} (${JSON.stringify(node.label)})`
}
