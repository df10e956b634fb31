import type { Workflow } from '../lib/engine'
import { elkLayout } from './elk-layout'

/**
 * Auto-layout off the main thread: elk (1.4 MB, loaded here on the first request only) takes
 * a few hundred ms per graph, which froze the page on Shift+L and on opening. Positions go
 * back; edges are routed on the main thread from them (edge-routes.ts), as in every view.
 */
export type LayoutRequest = { id: number; model: Workflow }
export type LayoutResponse =
  | { id: number; positions: [string, { x: number; y: number }][] }
  | { id: number; error: string }

// A listener, not `self.onmessage`: elk's bundle claims that handler for its own worker
// protocol (and ignores messages without its `cmd`, like ours).
const scope = self as unknown as {
  addEventListener: (type: 'message', listener: (e: MessageEvent<LayoutRequest>) => void) => void
  postMessage: (message: LayoutResponse) => void
}

scope.addEventListener('message', async ({ data: { id, model } }) => {
  try {
    const laid = await elkLayout(model)
    scope.postMessage({ id, positions: laid.nodes.flatMap((n) => (n.position ? [[n.id, n.position]] : [])) })
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) })
  }
})
