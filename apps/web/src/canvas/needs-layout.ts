import type { Workflow } from '../lib/engine'

/** A graph with a node that has no position (seed files, hand-written notation) is laid out on open. */
export const needsLayout = (graph: Workflow) => graph.nodes.some((n) => !n.position)
