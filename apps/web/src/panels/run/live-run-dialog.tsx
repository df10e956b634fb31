import { useMemo, useState } from 'react'
import { specById } from '../../lib/specs'
import { useEditor } from '../../store/context'
import { isDirty } from '../../store/editor-store'
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

/**
 * A live run really sends: it asks first, naming every step that will. It runs a saved
 * version, never the unsaved draft (which skipped the checks that guard Publish): with
 * unsaved changes it offers to save them as a new version first.
 */
export function LiveRunDialog({
  onConfirm,
  onClose,
  saveDraft,
}: {
  onConfirm: () => void
  onClose: () => void
  saveDraft?: () => Promise<boolean>
}) {
  const nodes = useEditor((s) => s.graph.nodes)
  const steps = useMemo(() => nodes.filter(sendsOutside), [nodes])
  const dirty = useEditor(isDirty)
  const version = useEditor((s) => s.baseVersion)
  const [saving, setSaving] = useState(false)
  const saveAndRun = async () => {
    setSaving(true)
    const saved = await saveDraft?.()
    setSaving(false)
    if (saved) onConfirm()
  }
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
          {dirty ? (
            <Button
              variant="danger"
              onClick={() => void saveAndRun()}
              disabled={!saveDraft || saving}
              data-testid="live-run-save-and-run"
            >
              {saving ? 'Saving…' : `Save as version ${version + 1} and run live`}
            </Button>
          ) : (
            <Button variant="danger" onClick={onConfirm} data-testid="live-run-confirm">
              Run version {version} live
            </Button>
          )}
        </>
      }
    >
      <p
        className={`mb-3 rounded-md px-3 py-2 leading-relaxed ${dirty ? 'bg-amber-50 text-amber-900' : 'bg-slate-50 text-slate-700'}`}
        data-testid="live-run-version"
      >
        {dirty
          ? `Live runs use a saved version. Your changes are not saved yet: they are saved as version ${version + 1} first, then that version runs.`
          : `This runs saved version ${version}, as it is stored.`}
      </p>
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
