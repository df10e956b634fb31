import { useEffect } from 'react'
import { useConnections } from '../api/connections'
import { validate } from '../lib/engine'
import type { EditorStore } from '../store/editor-store'
import type { Issue } from '../store/types'

const DELAY = 200

/**
 * Validates the graph in the browser after every change (debounced) with the engine's rules
 * and the connections that exist, as the server will on save: the problems list and Publish
 * agree with the server. Returns whether the verdict is complete: until the connection list has
 * loaded, connection references are not judged, so Publish waits for it.
 */
export function useValidation(store: EditorStore): boolean {
  // Until the list has loaded, connection references are not judged (no false alarms).
  const list = useConnections()
  const connections = list.data
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const run = () => {
      timer = undefined
      const s = store.getState()
      let issues: Issue[]
      try {
        issues = validate(s.graph, connections ? { connections } : {}) as Issue[]
      } catch (err) {
        issues = [
          {
            severity: 'error',
            code: 'validator-crashed',
            message: `Validation failed: ${(err as Error).message}`,
          },
        ]
      }
      s.setIssues(issues)
    }
    // The first check waits for an idle moment, so a large workflow paints before it is validated.
    const idle = window.requestIdleCallback?.(run, { timeout: 300 })
    if (idle === undefined) timer = setTimeout(run, 0)
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.graph === prev.graph) return
      clearTimeout(timer)
      timer = setTimeout(run, DELAY)
    })
    return () => {
      unsubscribe()
      if (idle !== undefined) window.cancelIdleCallback(idle)
      clearTimeout(timer)
    }
  }, [store, connections])
  // A list that failed to load would keep Publish waiting for ever: the server still judges.
  return connections !== undefined || list.isError
}
