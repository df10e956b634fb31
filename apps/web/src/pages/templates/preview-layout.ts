import { cancelLayouts, layoutInWorker } from '../../canvas/layout-client'
import { needsLayout } from '../../canvas/needs-layout'
import { placeMissing } from '../../canvas/place-missing'
import type { Workflow } from '../../lib/engine'
import { type PreviewGeometry, previewGeometry } from './preview-geometry'

const OWNER = 'gallery'

/**
 * A template's preview geometry, routed like every canvas: at its stored positions (what the
 * editor opens it at; no elk needed), or laid out in the shared layout worker when it has none.
 */
export async function layoutPreview(model: Workflow): Promise<PreviewGeometry> {
  if (!needsLayout(model) || model.nodes.some((n) => n.position)) return previewGeometry(placeMissing(model))
  return previewGeometry(await layoutInWorker(model, OWNER))
}

let users = 0
let stopTimer: ReturnType<typeof setTimeout> | undefined

/**
 * For the gallery's lifetime (an effect): once the last user is gone, previews still queued
 * are dropped, since they would only compete for the CPU with the editor that is opening.
 * Finished previews stay cached by the caller. The drop waits a tick: StrictMode remounts.
 */
export function retainPreviewLayout(): () => void {
  users++
  clearTimeout(stopTimer)
  return () => {
    users--
    if (users === 0) stopTimer = setTimeout(() => cancelLayouts(OWNER, new Error('the gallery closed')), 0)
  }
}
