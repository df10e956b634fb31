import type { Workflow } from '../lib/engine'
import { layoutInWorker } from './layout-client'

export { needsLayout } from './needs-layout'

/**
 * Auto-layout for the app: elk (elk-layout.ts) runs in the layout worker, so opening a graph
 * without positions or Shift+L never freezes the page, and elk's 1.4 MB load only when a
 * layout is needed. Edges are routed from the positions by edge-routes.ts, in every view.
 */
export const autoLayout = (graph: Workflow): Promise<Workflow> => layoutInWorker(graph)
