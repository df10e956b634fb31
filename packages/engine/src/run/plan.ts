import { buildAdjacency } from '../model/adjacency'
import { degrees, effectiveType, type NodeKind, nodeKind } from '../model/node-kind'
import type { Workflow, WorkflowEdge, WorkflowNode } from '../model/schema'
import { getExecutor, getNodeSpec } from '../nodes/registry'
import { DEFAULT_RETRIES, isErrorLabel, type OnError } from '../nodes/shared/spec-fields'
import { type NodeSpec, routesOne } from '../nodes/spec'
import type { NodeExecutor } from '../nodes/types'
import { analyzeGraph } from './graph'

export interface PlanNode {
  index: number
  id: string
  label: string
  node: WorkflowNode
  typeId: string
  kind: NodeKind
  spec: NodeSpec | undefined
  executor: NodeExecutor<never, unknown> | undefined
  /** The executor's compiled config. */
  prepared: unknown
  /** Why the node cannot run (bad config, bad expression, bad branch labels); reported when it is reached. */
  prepareError: string | null
  sideEffect: boolean
  /** Per-node error handling (types with `spec.errorHandling`); "fail" for every other type. */
  onError: OnError
  retries: number
  out: number[]
  /** Incoming edges that must fire or be ruled out before the node runs: forward edges from reachable nodes. */
  forwardIn: number
  /** The spec says `routing: 'one'`: the step names the one outgoing edge the run takes. */
  routesOne: boolean
}

export interface PlanEdge {
  index: number
  id: string
  source: number
  target: number
  /** Closes a cycle: firing it starts another pass of the target. */
  back: boolean
  /**
   * Starts inside a loop. While the loop may still come round, "not taken" is not final
   * (a later pass may take it), so ruling such an edge out waits until the run has
   * nothing else to do.
   */
  inLoop: boolean
  /** Labelled `error` and leaving a non-decision: taken only when its source fails with `onError: "continue"`. */
  error: boolean
}

export interface Plan {
  workflow: Workflow
  nodes: PlanNode[]
  edges: PlanEdge[]
  byId: Map<string, number>
  starts: number[]
}

// Prepared per workflow object: runs of the same (immutable) model reuse every compiled expression.
const plans = new WeakMap<Workflow, Plan>()

function prepareNode(node: WorkflowNode, typeId: string, outgoing: readonly WorkflowEdge[]) {
  const spec = getNodeSpec(typeId)
  const executor = getExecutor(typeId)
  if (!spec || !executor) {
    return {
      spec,
      executor,
      prepared: null,
      prepareError: `unknown node type "${typeId}"`,
      sideEffect: false,
      ...FAIL,
    }
  }
  const parsed = spec.configSchema.safeParse(node.config ?? spec.defaultConfig)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
    return {
      spec,
      executor,
      prepared: null,
      prepareError: `config ${where}${issue.message}`,
      sideEffect: spec.sideEffect,
      ...FAIL,
    }
  }
  try {
    const prepared = (executor as NodeExecutor<unknown, unknown>).prepare(parsed.data, node, outgoing)
    const sideEffect = executor.sideEffect ? executor.sideEffect(prepared) : spec.sideEffect
    return { spec, executor, prepared, prepareError: null, sideEffect, ...errorHandling(spec, parsed.data) }
  } catch (err) {
    return {
      spec,
      executor,
      prepared: null,
      prepareError: (err as Error).message,
      sideEffect: spec.sideEffect,
      // A config the executor rejects never runs, so there is nothing to retry or continue from.
      ...FAIL,
    }
  }
}

const FAIL = { onError: 'fail' as OnError, retries: 0 }

function errorHandling(spec: NodeSpec, config: unknown): { onError: OnError; retries: number } {
  if (!spec.errorHandling) return FAIL
  const c = config as { onError?: OnError; retries?: number }
  const onError = c.onError ?? 'fail'
  return { onError, retries: onError === 'retry' ? (c.retries ?? DEFAULT_RETRIES) : 0 }
}

function buildPlan(workflow: Workflow): Plan {
  const degree = degrees(workflow)
  const adj = buildAdjacency(workflow)
  const outgoing: WorkflowEdge[][] = workflow.nodes.map(() => [])
  workflow.edges.forEach((e, index) => {
    const source = adj.edgeSource[index]
    if (source >= 0 && adj.edgeTarget[index] >= 0) outgoing[source].push(e)
  })
  const nodes: PlanNode[] = workflow.nodes.map((node, index) => {
    const d = degree.get(node.id)
    const typeId = effectiveType(node, d)
    const prepared = prepareNode(node, typeId, outgoing[index])
    return {
      index,
      id: node.id,
      label: node.label,
      node,
      typeId,
      kind: nodeKind(node, d),
      ...prepared,
      out: [],
      forwardIn: 0,
      routesOne: routesOne(prepared.spec),
    }
  })
  const starts = nodes.filter((n) => n.kind === 'start').map((n) => n.index)
  const facts = analyzeGraph(adj, starts)
  // Edges with a missing endpoint are left out (validation reports them); indices stay the workflow's.
  const edges: PlanEdge[] = workflow.edges.map((e, index) => ({
    index,
    id: e.id,
    source: adj.edgeSource[index],
    target: adj.edgeTarget[index],
    back: facts.back[index] === 1,
    inLoop: facts.inLoop[index] === 1,
    error: isErrorLabel(e.label) && adj.edgeSource[index] >= 0 && !nodes[adj.edgeSource[index]].routesOne,
  }))
  for (const edge of edges) {
    if (edge.source < 0 || edge.target < 0) continue
    nodes[edge.source].out.push(edge.index)
    if (!edge.back && facts.reachable[edge.source]) nodes[edge.target].forwardIn++
  }
  return { workflow, nodes, edges, byId: adj.index, starts }
}

export function getPlan(workflow: Workflow): Plan {
  let plan = plans.get(workflow)
  if (!plan) {
    plan = buildPlan(workflow)
    plans.set(workflow, plan)
  }
  return plan
}
