import { useMemo } from 'react'
import { specById } from '../../lib/specs'
import { useEditor } from '../../store/context'
import { Button } from '../../ui/button'
import { Modal } from '../../ui/modal'

/**
 * Whether a step reaches the outside world: its type says so, unless the node decides for
 * itself (an HTTP request marked `sideEffect: false`, like a read-only recommendation call).
 */
export function sendsOutside(node: { type?: string; config?: unknown }): boolean {
  const own = (node.config as { sideEffect?: unknown } | undefined)?.sideEffect
  if (typeof own === 'boolean') return own
  return !!(node.type && specById.get(node.type)?.sideEffect)
}

/** A live run really sends: it asks first, naming every step that will. */
export function LiveRunDialog({ onConfirm, onClose }: { onConfirm: () => void; onClose: () => void }) {
  const nodes = useEditor((s) => s.graph.nodes)
  const steps = useMemo(() => nodes.filter(sendsOutside), [nodes])
  return (
    <Modal
      title="Run for real?"
      onClose={onClose}
      testId="live-run-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button variant="danger" onClick={onConfirm} data-testid="live-run-confirm">
            Run live and send
          </Button>
        </>
      }
    >
      <p className="leading-relaxed">
        A live run sends real requests with this event and these mocks. Customers may get a message or a
        profile update. Use a dry run to see what would be sent without sending it.
      </p>
      {steps.length > 0 && (
        <>
          <p className="mt-3 font-medium text-slate-800">Steps that send when the run reaches them:</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {steps.map((n) => (
              <li key={n.id}>
                {n.label} <span className="font-mono text-[11.5px] text-slate-400">{n.id}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Modal>
  )
}
