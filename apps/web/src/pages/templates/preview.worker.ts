import { autoLayout } from '../../canvas/layout'
import type { Workflow } from '../../lib/engine'
import { type PreviewGeometry, previewGeometry } from './preview-geometry'

/**
 * Lays template previews out off the main thread: elk takes a noticeable while per graph,
 * and seven of them at once froze the gallery's clicks and typing on a busy machine.
 */
export type PreviewRequest = { id: number; model: Workflow }
export type PreviewResponse = { id: number; geometry: PreviewGeometry } | { id: number; error: string }

// A listener, not `self.onmessage`: elk's bundle, loaded on the first layout, claims that
// handler for its own worker protocol (and ignores messages without its `cmd`, like ours).
const scope = self as unknown as {
  addEventListener: (type: 'message', listener: (e: MessageEvent<PreviewRequest>) => void) => void
  postMessage: (message: PreviewResponse) => void
}

scope.addEventListener('message', async ({ data: { id, model } }) => {
  try {
    scope.postMessage({ id, geometry: previewGeometry(await autoLayout(model)) })
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) })
  }
})
