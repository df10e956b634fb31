import { useId, useState } from 'react'
import { type Decision, type InboxTask, useDecide } from '../../api/inbox'
import { errorCode, errorMessage } from '../../api/trpc'
import { alreadyDecided } from '../../lib/run-status'
import { Button } from '../../ui/button'
import { toast } from '../../ui/toast'

const VERB: Record<Decision, { done: string; doing: string; button: string }> = {
  approved: { done: 'Approved', doing: 'Approving…', button: 'Approve' },
  rejected: { done: 'Rejected', doing: 'Rejecting…', button: 'Reject' },
}

/**
 * A comment and Approve / Reject. The comment goes into the run (the step's output) and
 * the audit log. Viewers get the reason instead of buttons; the server refuses them anyway.
 */
export function DecisionForm({ task, canDecide }: { task: InboxTask; canDecide: boolean }) {
  const decide = useDecide()
  const id = useId()
  const [comment, setComment] = useState('')
  const [pending, setPending] = useState<Decision | null>(null)
  if (!canDecide)
    return (
      <p
        className="rounded-md bg-slate-50 px-3 py-2 text-[12.5px] text-slate-500"
        data-testid="inbox-decide-viewer-note"
      >
        Viewers can look but not decide: an editor or admin named on the task approves or rejects it.
      </p>
    )

  const submit = async (decision: Decision) => {
    setPending(decision)
    try {
      await decide.mutateAsync({ runId: task.runId, decision, comment })
      toast(`${VERB[decision].done} “${task.title}”: the run goes on along “${decision}”`, 'success')
    } catch (err) {
      toast(
        errorCode(err) === 'CONFLICT'
          ? alreadyDecided(errorMessage(err))
          : `Could not ${VERB[decision].button.toLowerCase()}: ${errorMessage(err)}`,
        'error',
      )
    } finally {
      setPending(null)
    }
  }
  return (
    <div className="flex flex-col gap-2">
      <label htmlFor={id} className="text-[12px] font-medium text-slate-600">
        Comment <span className="font-normal text-slate-400">(optional, kept with the decision)</span>
      </label>
      <textarea
        id={id}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={2_000}
        rows={2}
        placeholder="Why you decided this way"
        data-testid="inbox-comment"
        className="block w-full resize-y rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-[13px] text-slate-800 outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100"
      />
      <div className="flex justify-end gap-2">
        <Button
          onClick={() => void submit('rejected')}
          disabled={pending !== null}
          data-testid="inbox-reject"
          className="border-red-200! text-red-700! hover:bg-red-50!"
        >
          {pending === 'rejected' ? VERB.rejected.doing : VERB.rejected.button}
        </Button>
        <Button
          onClick={() => void submit('approved')}
          disabled={pending !== null}
          data-testid="inbox-approve"
          className="border-transparent! bg-emerald-600! text-white! hover:bg-emerald-700!"
        >
          {pending === 'approved' ? VERB.approved.doing : VERB.approved.button}
        </Button>
      </div>
    </div>
  )
}
