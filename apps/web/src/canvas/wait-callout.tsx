import { EdgeLabelRenderer, useInternalNode } from '@xyflow/react'
import { memo } from 'react'
import { useCanControlRuns } from '../api/session'
import { useWaitDescription } from '../panels/run/waiting-for'
import { useEditor } from '../store/context'

/**
 * Below a step waiting for an event or a decision, to the left of where its lower branch
 * leaves: what it waits for and until when, and in a test run where to pick the branch.
 * Drawn in the edge-label layer like a failure's message, so branch labels do not cover it.
 */
export const WaitCallout = memo(function WaitCallout({ id }: { id: string }) {
  const node = useInternalNode(id)
  const text = useWaitDescription()
  const title = useEditor((s) => s.trace.waitingFor?.title)
  // Only those who may pick are told to.
  const dryRun = useEditor((s) => s.trace.dryRun)
  const mayPick = useCanControlRuns()
  const test = dryRun && mayPick
  if (!node || !text) return null
  const { x, y } = node.internals.positionAbsolute
  const width = node.measured.width ?? node.width ?? 0
  const height = node.measured.height ?? node.height ?? 0
  return (
    <EdgeLabelRenderer>
      <div
        data-testid={`node-wait-${id}`}
        className="nodrag nopan pointer-events-none absolute z-10 w-[220px] rounded-md border border-violet-200 bg-white px-2 py-1.5 text-[11.5px] leading-snug text-violet-900 shadow-md"
        style={{ transform: `translate(-100%, 0) translate(${x + width / 2 - 12}px, ${y + height + 14}px)` }}
      >
        {title && <strong className="block truncate font-semibold">{title}</strong>}
        <span className="line-clamp-3 break-words">{text}</span>
        {test && (
          <span className="mt-0.5 block text-violet-600">Test run: pick the branch in the run panel</span>
        )}
      </div>
    </EdgeLabelRenderer>
  )
})
