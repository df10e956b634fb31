import { memo } from 'react'
import { useEditor, useEditorStoreApi } from '../../store/context'

/**
 * Says over the canvas, in plain words, whether the run on it sends anything. Shown while
 * the run panel is open and whenever a run's trace is on the canvas.
 */
export const RunBanner = memo(function RunBanner({
  visible,
  canClear = true,
}: {
  visible: boolean
  canClear?: boolean
}) {
  const status = useEditor((s) => s.trace.status)
  const dryRun = useEditor((s) => s.trace.dryRun)
  const store = useEditorStoreApi()
  if (!visible && status === 'idle') return null
  const live = status !== 'idle' && !dryRun
  return (
    <div className="pointer-events-none absolute inset-x-0 top-3 z-10 flex justify-center">
      <div
        data-testid={live ? 'live-run-banner' : 'dry-run-banner'}
        className={`pointer-events-auto flex items-center gap-2 rounded-full border px-3 py-1 text-[12.5px] shadow-sm ${
          live ? 'border-red-300 bg-red-50 text-red-800' : 'border-amber-300 bg-amber-50 text-amber-900'
        }`}
      >
        <span className={`h-2 w-2 rounded-full ${live ? 'bg-red-500' : 'bg-amber-500'}`} />
        {live ? (
          <span>
            <strong>Live run</strong> — requests are really sent
          </span>
        ) : (
          <span>
            <strong>Dry run</strong> — nothing is sent; steps that would send record their request
          </span>
        )}
        {status !== 'idle' && canClear && (
          <button
            type="button"
            onClick={() => store.getState().clearTrace()}
            className="ml-1 rounded-full px-1.5 text-[11.5px] text-slate-500 hover:bg-white hover:text-slate-800"
            data-testid="clear-trace"
            title="Take the run off the canvas"
          >
            Clear
          </button>
        )}
      </div>
    </div>
  )
})
