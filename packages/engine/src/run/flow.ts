import { at, emit, type Run } from './context'

/**
 * Token flow over the graph (DESIGN §4). A node runs once all its forward incoming edges
 * have either fired or been ruled out, and at least one fired; when all were ruled out
 * it is skipped and rules out its own outgoing edges (dead-path elimination). Firing a
 * back edge starts another pass of its target. Counters reset when a node becomes ready,
 * so each pass of a loop joins afresh.
 */

export function fire(run: Run, edgeIndex: number) {
  const { s, plan } = run
  const edge = plan.edges[edgeIndex]
  if (run.tracing) {
    emit(run, {
      type: 'edge.taken',
      runId: s.runId,
      at: at(run),
      edgeId: edge.id,
      source: plan.nodes[edge.source].id,
      target: plan.nodes[edge.target].id,
    })
  }
  if (s.deferred.length > 0) {
    // An edge deferred in an earlier pass of a loop has now been taken: it no longer needs ruling out.
    const i = s.deferred.indexOf(edgeIndex)
    if (i >= 0) s.deferred.splice(i, 1)
  }
  const t = edge.target
  s.inputFrom[t] = edge.source
  if (edge.back) {
    s.queue.push(t)
    return
  }
  s.resolved[t]++
  s.fired[t] = 1
  if (s.resolved[t] >= plan.nodes[t].forwardIn) ready(run, t)
}

/** Tell the canvas and test-case checker an edge will not fire (DESIGN §4), so neither re-derives it. */
function traceSkipped(run: Run, edgeIndex: number) {
  if (!run.tracing) return
  const { plan } = run
  const edge = plan.edges[edgeIndex]
  emit(run, {
    type: 'edge.skipped',
    runId: run.s.runId,
    at: at(run),
    edgeId: edge.id,
    source: plan.nodes[edge.source].id,
    target: plan.nodes[edge.target].id,
  })
}

/** An edge that will not fire in this pass. */
export function ruleOut(run: Run, edgeIndex: number, final = false) {
  const { s, plan } = run
  const edge = plan.edges[edgeIndex]
  if (edge.back) {
    traceSkipped(run, edgeIndex)
    return
  }
  if (edge.inLoop && !final) {
    if (!s.deferred.includes(edgeIndex)) s.deferred.push(edgeIndex)
    return
  }
  traceSkipped(run, edgeIndex)
  const t = edge.target
  s.resolved[t]++
  if (s.resolved[t] >= plan.nodes[t].forwardIn) ready(run, t)
}

/** All inputs are in: run the node if any fired, else skip it and everything only it feeds. */
function ready(run: Run, node: number) {
  const { s } = run
  const fired = s.fired[node]
  s.resolved[node] = 0
  s.fired[node] = 0
  if (fired) s.queue.push(node)
  else skipFrom(run, node)
}

// Iterative: a long ruled-out chain must not grow the call stack.
function skipFrom(run: Run, first: number) {
  const { s, plan } = run
  const stack = [first]
  while (stack.length > 0) {
    const index = stack.pop()!
    const node = plan.nodes[index]
    if (!s.results[node.id]) s.results[node.id] = { status: 'skipped', durationMs: 0, visits: 0 }
    if (run.tracing)
      emit(run, { type: 'node.skipped', runId: s.runId, at: at(run), nodeId: node.id, reason: 'ruled-out' })
    for (const ei of node.out) {
      const edge = plan.edges[ei]
      if (edge.inLoop && !edge.back) {
        if (!s.deferred.includes(ei)) s.deferred.push(ei)
        continue
      }
      traceSkipped(run, ei)
      if (edge.back) continue
      const t = edge.target
      s.resolved[t]++
      if (s.resolved[t] >= plan.nodes[t].forwardIn) {
        const fired = s.fired[t]
        s.resolved[t] = 0
        s.fired[t] = 0
        if (fired) s.queue.push(t)
        else stack.push(t)
      }
    }
  }
}

/**
 * The queue is empty: settle what could not be decided while work was pending. Edges not
 * taken inside loops are ruled out now (no further pass can take them any more), and a
 * join still waiting for inputs that can no longer arrive runs with what it has.
 * Returns true when this produced more work.
 */
export function settle(run: Run): boolean {
  const { s, plan } = run
  while (s.queue.length === 0) {
    if (s.deferred.length > 0) {
      const deferred = s.deferred
      s.deferred = []
      for (const ei of deferred) ruleOut(run, ei, true)
      continue
    }
    const waiting = plan.nodes.find((n) => s.resolved[n.index] > 0)
    if (!waiting) return false
    ready(run, waiting.index)
  }
  return true
}
