import { useEffect, useState } from 'react'
import { errorMessage } from '../../api/trpc'
import { autoLayout, needsLayout } from '../../canvas/layout'
import type { Workflow } from '../../lib/engine'

/**
 * The model with positions for every node. Versions created from templates or notation
 * carry none; they are laid out here for display only — nothing is saved.
 */
export function useLaidOut(model: Workflow | undefined): { graph?: Workflow; error?: string } {
  const [state, setState] = useState<{ of?: Workflow; graph?: Workflow; error?: string }>({})
  useEffect(() => {
    if (!model) return
    if (!needsLayout(model)) {
      setState({ of: model, graph: model })
      return
    }
    let cancelled = false
    autoLayout(model).then(
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
