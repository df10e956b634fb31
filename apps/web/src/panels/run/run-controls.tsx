import { useState } from 'react'
import { useRunControlMutations } from '../../api/runs'
import { useCanControlRuns } from '../../api/session'
import { errorCode, errorMessage } from '../../api/trpc'
import { canCancelRun, canRetryRun } from '../../lib/run-status'
import { Button } from '../../ui/button'
import { Modal } from '../../ui/modal'
import { toast } from '../../ui/toast'

/**
 * Cancel for a run that has not finished, Retry for one that failed or was cancelled.
 * Hidden from viewers (the server refuses them anyway). Cancelling always asks first;
 * retrying asks only when the run sent for real, because a retry sends again.
 */
export function RunControls(props: {
  runId: string
  status: string
  /** The run sent real requests (a live test run or a production run). */
  live: boolean
  onRetried: (newRunId: string) => void
  onCancelled?: () => void
  size?: 'sm' | 'md'
}) {
  const { runId, status, live, onRetried, onCancelled, size = 'md' } = props
  const allowed = useCanControlRuns()
  const { cancel, retry } = useRunControlMutations()
  const [confirming, setConfirming] = useState<'cancel' | 'retry' | null>(null)
  if (!allowed || (!canCancelRun(status) && !canRetryRun(status))) return null

  const doCancel = async () => {
    setConfirming(null)
    try {
      await cancel.mutateAsync({ runId })
      toast('Run cancelled', 'success')
      onCancelled?.()
    } catch (err) {
      // Finished in the meantime: the refreshed status says how.
      toast(
        errorCode(err) === 'CONFLICT' || errorCode(err) === 'BAD_REQUEST'
          ? `Could not cancel: ${errorMessage(err)}`
          : `Cancelling failed: ${errorMessage(err)}`,
        'error',
      )
    }
  }
  const doRetry = async () => {
    setConfirming(null)
    try {
      const { runId: newRunId } = await retry.mutateAsync({ runId })
      toast('Retrying: the new run is shown', 'success')
      onRetried(newRunId)
    } catch (err) {
      toast(`Could not retry: ${errorMessage(err)}`, 'error')
    }
  }

  return (
    <div className="flex items-center gap-2" data-testid="run-controls">
      {canCancelRun(status) && (
        <Button
          size={size}
          onClick={() => setConfirming('cancel')}
          disabled={cancel.isPending}
          // `!`: the variant's own text colour would otherwise win.
          className="border-red-200! text-red-700! hover:bg-red-50! hover:text-red-800!"
          data-testid="run-cancel"
        >
          {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
        </Button>
      )}
      {canRetryRun(status) && (
        <Button
          size={size}
          variant="primary"
          onClick={() => (live ? setConfirming('retry') : void doRetry())}
          disabled={retry.isPending}
          title="Run again: same event, version, mocks and mode"
          data-testid="run-retry"
        >
          {retry.isPending ? 'Retrying…' : 'Retry'}
        </Button>
      )}
      {confirming === 'cancel' && (
        <Modal
          title="Cancel this run?"
          onClose={() => setConfirming(null)}
          testId="run-cancel-dialog"
          footer={
            <>
              <Button variant="ghost" onClick={() => setConfirming(null)} data-autofocus>
                Keep it going
              </Button>
              <Button variant="danger" onClick={() => void doCancel()} data-testid="run-cancel-confirm">
                Cancel run
              </Button>
            </>
          }
        >
          <p className="leading-relaxed">
            The run stops where it is and no further step runs. What steps already did is not undone. You can
            retry it afterwards with the same event.
          </p>
        </Modal>
      )}
      {confirming === 'retry' && (
        <Modal
          title="Retry and send again?"
          onClose={() => setConfirming(null)}
          testId="run-retry-dialog"
          footer={
            <>
              <Button variant="ghost" onClick={() => setConfirming(null)} data-autofocus>
                Don’t retry
              </Button>
              <Button variant="danger" onClick={() => void doRetry()} data-testid="run-retry-confirm">
                Retry and send
              </Button>
            </>
          }
        >
          <p className="leading-relaxed">
            This run sent real requests. The retry is a new run from the start with the same event, version
            and mocks: steps that send do so again, including those that already succeeded.
          </p>
        </Modal>
      )}
    </div>
  )
}
