import { useEffect, useState } from 'react'
import { errorMessage } from '../../api/trpc'
import { layoutInWorker } from '../../canvas/layout-client'
import { needsLayout } from '../../canvas/needs-layout'
import { placeMissing } from '../../canvas/place-missing'
import type { Workflow } from '../../lib/engine'

/**
 * The model with positions for every node. Versions created from templates or notation
 * carry none; they are laid out here (in the layout worker) for display only — nothing is saved.
 */
export function useLaidOut(model: Workflow | undefined): { graph?: Workflow; error?: string } {
  const [state, setState] = useState<{ of?: Workflow; graph?: Workflow; error?: string }>({})
  useEffect(() => {
    if (!model) return
    // A version with positions keeps them (a node or two without get a place beside them):
    // the same picture as in the editor. Only a graph with none is laid out afresh.
    if (!needsLayout(model) || model.nodes.some((n) => n.position)) {
      setState({ of: model, graph: placeMissing(model) })
      return
    }
    let cancelled = false
    layoutInWorker(model, 'audit').then(
      (graph) => !cancelled && setState({ of: model, graph }),
      (err) => !cancelled && setState({ of: model, error: errorMessage(err) }),
    )
    return () => {
      cancelled = true
    }
  }, [model])
  // A stale layout of the previous model is never shown for the next one.
  return state.of === model ? { graph: state.graph, error: state.error } : {}
}
