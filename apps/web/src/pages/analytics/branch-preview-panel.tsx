import { usePreviewMutations } from '../../api/analytics'
import { errorMessage } from '../../api/trpc'
import type { Workflow } from '../../lib/engine'
import { Button } from '../../ui/button'
import { useAnalyticsState } from './analytics-state'
import { ChangedEvents } from './changed-events'

const RECENT_EVENTS = 500

/**
 * "Preview with recent events" (issue 22): the published version's last production events
 * replayed against the draft being edited, in dry runs on the server; the canvas edges show
 * published → draft shares meanwhile, and the changed events are listed below.
 */
export function BranchPreviewPanel({
  graph,
  savedVersion,
  publishedVersion,
  canEdit,
}: {
  graph: Workflow
  /** The saved version the editor shows unchanged; null: unsaved edits, sent as the model. */
  savedVersion: number | null
  publishedVersion: number | null
  canEdit: boolean
}) {
  const state = useAnalyticsState()
  const { start, cancel } = usePreviewMutations()
  if (!state || !canEdit) return null
  const preview = state.preview
  // A cancelled preview stops within a moment: it is shown stopped at once.
  const running = !!state.previewId && !preview?.finished && !preview?.cancelled && !state.previewError
  const error = start.error ?? cancel.error ?? state.previewError

  const begin = () =>
    start.mutate(
      {
        workflowId: state.workflowId,
        ...(savedVersion === null ? { model: graph } : { draftVersion: savedVersion }),
        limit: RECENT_EVENTS,
      },
      { onSuccess: ({ previewId }) => state.setPreviewId(previewId) },
    )

  return (
    <div className="mt-2 border-t border-slate-100 pt-2 text-[12px]" data-testid="branch-preview">
      <div className="flex items-center gap-2">
        {!state.previewId ? (
          <Button
            size="sm"
            data-testid="preview-start"
            disabled={publishedVersion === null || start.isPending}
            title={
              publishedVersion === null
                ? 'Publish a version first: the preview replays its recent events'
                : `Replays the last ${RECENT_EVENTS} events of version ${publishedVersion} against this draft, sending nothing`
            }
            onClick={begin}
          >
            Preview with recent events
          </Button>
        ) : running ? (
          <Button
            size="sm"
            data-testid="preview-cancel"
            onClick={() => cancel.mutate({ previewId: state.previewId! })}
          >
            Cancel preview
          </Button>
        ) : (
          <Button
            size="sm"
            variant="ghost"
            data-testid="preview-close"
            onClick={() => state.setPreviewId(null)}
          >
            Close preview
          </Button>
        )}
        {preview && (
          <span className="text-slate-500" data-testid="preview-progress-text">
            {preview.cancelled ? 'Cancelled at ' : running ? 'Replaying ' : 'Replayed '}
            {preview.done} / {preview.total} events of version {preview.publishedVersion}
            {running && preview.waitingForLive && ' · paused while live runs go first'}
          </span>
        )}
      </div>
      {state.previewId && preview && (
        <div
          role="progressbar"
          aria-label="Preview progress"
          aria-valuemin={0}
          aria-valuemax={preview.total}
          aria-valuenow={preview.done}
          className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-slate-100"
        >
          <div
            className={`h-full transition-[width] ${preview.cancelled ? 'bg-orange-400' : 'bg-amber-500'}`}
            style={{
              width: `${preview.total ? (100 * preview.done) / preview.total : preview.finished ? 100 : 0}%`,
            }}
          />
        </div>
      )}
      {preview && preview.liveReads.length === 0 && (
        <p className="mt-1 text-slate-500">
          Edges show <span className="font-medium text-slate-700">published → this draft</span> for the same
          events; nothing was sent, HTTP reads answered as recorded.
        </p>
      )}
      {error != null && <p className="mt-1 text-red-600">{errorMessage(error)}</p>}
      {preview?.error && <p className="mt-1 text-red-600">{preview.error}</p>}
      {preview && preview.skipped > 0 && (
        <p className="mt-1 text-slate-500">
          {preview.skipped} events left out: their dry runs did not finish in time (live runs go first).
        </p>
      )}
      {preview && preview.liveReads.length > 0 && (
        <p className="mt-1 text-slate-500">
          No recorded answer for {preview.liveReads.join(', ')} (new or not reached in production): those
          reads really ran, as in any dry run.
        </p>
      )}
      {preview && preview.done > 0 && <RemovedEdges preview={preview} />}
      {preview && preview.done > 0 && <ChangedEvents preview={preview} />}
    </div>
  )
}

/** Edges the draft removed have no place on the canvas: their published numbers are listed. */
function RemovedEdges({
  preview,
}: {
  preview: NonNullable<ReturnType<typeof useAnalyticsState>>['preview'] & {}
}) {
  const removed = preview.edges.filter((e) => e.draft === null && e.published && e.published.count > 0)
  if (removed.length === 0) return null
  return (
    <p className="mt-1 text-slate-500">
      Removed: {removed.map((e) => `${e.label ?? e.edgeId} (${e.published!.count} events)`).join(', ')}
    </p>
  )
}
