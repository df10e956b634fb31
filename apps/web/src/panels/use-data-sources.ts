import { createContext, useContext, useMemo } from 'react'
import { type DataSource, dataSourcesFor, parseSampleEvent } from '../lib/data-paths'
import { useEditor } from '../store/context'

/** The step whose settings the form edits: the picker offers what reaches it. Null: no picker. */
export const PickerStepContext = createContext<string | null>(null)

/**
 * The picker's fields for the step being edited: the run panel's sample event (or the last
 * run's), and each earlier step's output from the last run or its type's example.
 */
export function useDataSources(): DataSource[] | null {
  const nodeId = useContext(PickerStepContext)
  const nodes = useEditor((s) => s.graph.nodes)
  const edges = useEditor((s) => s.graph.edges)
  const eventText = useEditor((s) => s.runSetup.eventText)
  const runEvent = useEditor((s) => s.trace.event)
  const runNodes = useEditor((s) => s.trace.nodes)
  return useMemo(() => {
    if (nodeId === null) return null
    const event = parseSampleEvent(eventText) ?? runEvent ?? {}
    return dataSourcesFor({ nodes, edges }, nodeId, event, runNodes)
  }, [nodeId, nodes, edges, eventText, runEvent, runNodes])
}

/** "Welcome e-mail › accepted" for `steps.n3.accepted`: a path as the picker names it. */
export function describePath(path: string, sources: DataSource[] | null): string | null {
  for (const source of sources ?? []) {
    const hit = source.paths.find((p) => p.path === path)
    if (hit) return `${source.title} › ${hit.name.split('.').join(' › ')}`
  }
  return null
}
