import { EdgeLabelRenderer, useInternalNode } from '@xyflow/react'
import { memo } from 'react'
import { waitingUntilLabel } from '../lib/run-status'
import { useEditor } from '../store/context'
import { formatDuration, type NodeTrace } from '../store/trace'
import { WaitCallout } from './wait-callout'

const BADGE: Record<string, string> = {
  running: 'border-sky-200 bg-sky-50 text-sky-700',
  succeeded: 'border-emerald-200 bg-emerald-50 text-emerald-700',
  failed: 'border-red-200 bg-red-50 text-red-700',
  waiting: 'border-violet-200 bg-violet-50 text-violet-700',
  cancelled: 'border-orange-200 bg-orange-50 text-orange-800',
}

/**
 * What a run did at a node, on the node: its duration, and for a failure the message
 * right below it, so a failed run reads off the canvas without opening anything.
 */
export const TraceBadges = memo(function TraceBadges({
  id,
  trace,
  circle,
}: {
  id: string
  trace: NodeTrace
  circle: boolean
}) {
  const until = useEditor((s) => (trace.status === 'waiting' ? s.trace.waitingUntil : undefined))
  // Waiting here for something from outside (an event, a decision), not just for a time.
  const waitsFor = useEditor((s) =>
    trace.status === 'waiting' && s.trace.waitingFor?.nodeId === id && s.trace.waitingFor.kind !== 'time'
      ? s.trace.waitingFor.kind
      : undefined,
  )
  if (trace.status === 'skipped') return null
  const label =
    trace.status === 'running'
      ? trace.attempt && trace.attempt > 1
        ? `retry ${trace.attempt}…`
        : 'running…'
      : trace.status === 'waiting'
        ? waitsFor
          ? `waiting for ${waitsFor === 'event' ? 'an event' : 'approval'}`
          : `waiting ${waitingUntilLabel(until)}`.trim()
        : trace.status === 'cancelled'
          ? 'cancelled'
          : formatDuration(trace.durationMs)
  return (
    <>
      <span
        data-testid={`node-duration-${id}`}
        className={`pointer-events-none absolute -bottom-2.5 z-10 rounded-full border px-1.5 text-[10.5px] leading-4 font-medium whitespace-nowrap tabular-nums shadow-xs ${
          circle ? 'left-1/2 -translate-x-1/2' : 'right-2'
        } ${BADGE[trace.status] ?? ''}`}
      >
        {trace.mocked ? 'mocked · ' : ''}
        {label}
      </span>
      {waitsFor && <WaitCallout id={id} />}
      {trace.status === 'failed' && trace.error && (
        <ErrorCallout id={id} error={trace.error} continued={!!trace.continued} />
      )}
    </>
  )
})

/**
 * The failure message under the failed node. Drawn in the edge-label layer, which sits above
 * the nodes: inside the node it would disappear under the labels of nearby branches.
 */
const ErrorCallout = memo(function ErrorCallout(props: { id: string; error: string; continued: boolean }) {
  const node = useInternalNode(props.id)
  if (!node) return null
  const { x, y } = node.internals.positionAbsolute
  const width = node.measured.width ?? node.width ?? 0
  const height = node.measured.height ?? node.height ?? 0
  return (
    <EdgeLabelRenderer>
      <div
        data-testid={`node-error-${props.id}`}
        role="alert"
        title={props.error}
        className="nodrag nopan absolute z-10 w-[220px] rounded-md border border-red-200 bg-white px-2 py-1.5 text-[11.5px] leading-snug text-red-700 shadow-md"
        style={{ transform: `translate(-50%, 0) translate(${x + width / 2}px, ${y + height + 14}px)` }}
      >
        <span className="line-clamp-4 break-words">
          <strong className="font-semibold">{props.continued ? 'Failed, handled: ' : 'Failed: '}</strong>
          {props.error}
        </span>
      </div>
    </EdgeLabelRenderer>
  )
})
