import { memo } from 'react'
import { describeWait } from '../../lib/run-status'
import { useEditor } from '../../store/context'
import type { EditorState } from '../../store/types'

/** An event wait's `correlate` expression as configured on its step (undefined: the default). */
function correlateOf(s: EditorState, nodeId: string): string | undefined {
  const config = s.graph.nodes.find((n) => n.id === nodeId)?.config as { correlate?: unknown } | undefined
  return typeof config?.correlate === 'string' ? config.correlate : undefined
}

/** What the run on the canvas waits for, in one sentence; null while it is not waiting. */
export function useWaitDescription(): string | null {
  const wait = useEditor((s) => (s.trace.status === 'waiting' ? s.trace.waitingFor : undefined))
  const correlate = useEditor((s) => (wait?.kind === 'event' ? correlateOf(s, wait.nodeId) : undefined))
  return wait ? describeWait({ ...wait, correlate }) : null
}

/**
 * Whether the run on the canvas waits for something from outside (an event, a decision),
 * which takes a sentence; a plain time wait fits in the status chip ("Waiting until 14:05").
 */
export function useWaitsForOutside(): boolean {
  return useEditor(
    (s) => s.trace.status === 'waiting' && !!s.trace.waitingFor && s.trace.waitingFor.kind !== 'time',
  )
}

/** "Waiting for approval by editor, ana@… until 14:05", beside a run's status (event and approval waits). */
export const WaitingNote = memo(function WaitingNote({
  testId,
  className = '',
}: {
  testId: string
  className?: string
}) {
  const text = useWaitDescription()
  const kind = useEditor((s) => s.trace.waitingFor?.kind)
  if (!text || kind === 'time') return null
  return (
    <span
      data-testid={testId}
      data-kind={kind}
      className={`inline-flex items-center gap-1.5 text-[12.5px] text-violet-800 ${className}`}
    >
      <span className="h-1.5 w-1.5 shrink-0 rounded-full bg-violet-500" aria-hidden />
      {text}
    </span>
  )
})
