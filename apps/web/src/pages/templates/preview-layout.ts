import type { Workflow } from '../../lib/engine'
import type { PreviewRequest, PreviewResponse } from './preview.worker'
import type { PreviewGeometry } from './preview-geometry'

type Pending = { resolve: (g: PreviewGeometry) => void; reject: (e: Error) => void }

let worker: Worker | null = null
let nextId = 1
const pending = new Map<number, Pending>()

/** A template's preview geometry, laid out in a worker (one for all previews, started on first use). */
export function layoutPreview(model: Workflow): Promise<PreviewGeometry> {
  if (!worker) {
    worker = new Worker(new URL('./preview.worker.ts', import.meta.url), { type: 'module' })
    worker.onmessage = ({ data }: MessageEvent<PreviewResponse>) => {
      const waiting = pending.get(data.id)
      pending.delete(data.id)
      if (!waiting) return
      if ('geometry' in data) waiting.resolve(data.geometry)
      else waiting.reject(new Error(data.error))
    }
    worker.onerror = (e) => stopPreviewLayout(new Error(e.message || 'preview layout failed'))
  }
  const id = nextId++
  const request: PreviewRequest = { id, model }
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject })
    worker!.postMessage(request)
  })
}

let users = 0
let stopTimer: ReturnType<typeof setTimeout> | undefined

/**
 * For the gallery's lifetime (an effect): once the last user is gone the worker stops, since
 * layouts still queued would only compete for the CPU with the editor that is opening.
 * Finished previews stay cached by the caller. The stop waits a tick: StrictMode remounts.
 */
export function retainPreviewLayout(): () => void {
  users++
  clearTimeout(stopTimer)
  return () => {
    users--
    if (users === 0) stopTimer = setTimeout(() => stopPreviewLayout(new Error('the gallery closed')), 0)
  }
}

function stopPreviewLayout(reason: Error) {
  worker?.terminate()
  worker = null
  for (const p of pending.values()) p.reject(reason)
  pending.clear()
}
