import { useQueryClient } from '@tanstack/react-query'
import { memo, useEffect, useMemo, useRef, useState } from 'react'
import { useRunControlMutations } from '../../api/runs'
import { useCanControlRuns, useMayDecide } from '../../api/session'
import { errorCode, errorMessage, useTRPC } from '../../api/trpc'
import { INBOX_PATH } from '../../lib/router'
import { alreadyDecided, WAIT_BRANCHES } from '../../lib/run-status'
import { useEditor, useEditorStoreApi } from '../../store/context'
import { jsonError } from '../../store/run-setup'
import { Button } from '../../ui/button'
import { toast } from '../../ui/toast'
import { JsonEditor } from './json-editor'

/** What taking each branch means, for the button's tooltip. */
const BRANCH_MEANS: Record<string, string> = {
  received: 'The event arrives',
  approved: 'An assignee approves',
  rejected: 'An assignee rejects',
  timeout: 'Nothing comes in time',
}
/** The branch that moves things forward stands out; a rejection reads as one. */
const BRANCH_STYLE: Record<string, string> = {
  received: 'border-transparent! bg-emerald-600! text-white! hover:bg-emerald-700!',
  approved: 'border-transparent! bg-emerald-600! text-white! hover:bg-emerald-700!',
  rejected: 'border-red-200! text-red-700! hover:bg-red-50!',
}

/**
 * Under the run's status while it waits for an event or a decision. A test run goes on by
 * the tester's pick of the branch (runs.choose); a live run waiting for approval points
 * its assignees to their Inbox.
 */
export const WaitChoice = memo(function WaitChoice() {
  const wait = useEditor((s) => (s.trace.status === 'waiting' ? s.trace.waitingFor : undefined))
  const runId = useEditor((s) => s.trace.runId)
  const test = useEditor((s) => s.trace.dryRun)
  const allowed = useCanControlRuns()
  const mayDecide = useMayDecide(wait?.assignees)
  // An approval starting or ending here changes someone's inbox, perhaps this user's: its badge follows.
  const approvalAt = wait?.kind === 'approval' ? `${runId}:${wait.nodeId}` : null
  const trpc = useTRPC()
  const qc = useQueryClient()
  const seen = useRef<string | null>(null)
  useEffect(() => {
    if (approvalAt === seen.current) return
    seen.current = approvalAt
    void qc.invalidateQueries({ queryKey: trpc.inbox.list.queryKey() })
  }, [approvalAt, qc, trpc])
  if (!wait || wait.kind === 'time' || !runId) return null
  if (test && allowed)
    return (
      <BranchPicker key={`${runId}:${wait.nodeId}`} runId={runId} nodeId={wait.nodeId} kind={wait.kind} />
    )
  if (wait.kind === 'approval' && mayDecide)
    return (
      <p className="mt-2 text-[12px] text-slate-600" data-testid="wait-inbox-hint">
        This waits for you:{' '}
        <a href={`#${INBOX_PATH}`} className="font-medium text-indigo-700 hover:underline">
          approve or reject it in your Inbox
        </a>
      </p>
    )
  return null
})

function BranchPicker(props: { runId: string; nodeId: string; kind: 'event' | 'approval' }) {
  const { runId, nodeId, kind } = props
  const store = useEditorStoreApi()
  const graph = useEditor((s) => s.graph)
  const wired = useMemo(
    () => new Set(graph.edges.filter((e) => e.source === nodeId).map((e) => (e.label ?? '').trim())),
    [graph, nodeId],
  )
  // Which events count, as the step says: what the tester's event should look like.
  const filter = useMemo(() => {
    const config = graph.nodes.find((n) => n.id === nodeId)?.config as { filter?: unknown } | undefined
    return typeof config?.filter === 'string' ? config.filter.trim() : ''
  }, [graph, nodeId])
  const { choose } = useRunControlMutations()
  const [editEvent, setEditEvent] = useState(false)
  const [eventText, setEventText] = useState(() =>
    JSON.stringify(store.getState().trace.event ?? {}, null, 2),
  )
  const eventProblem = editEvent ? jsonError(eventText) : null

  const pick = async (branch: string) => {
    const output = branch === 'received' && editEvent ? (JSON.parse(eventText) as unknown) : undefined
    try {
      await choose.mutateAsync({ runId, branch, output })
      toast(`The run goes on along “${branch}”`, 'success')
    } catch (err) {
      toast(
        errorCode(err) === 'CONFLICT'
          ? alreadyDecided(errorMessage(err))
          : `Could not pick “${branch}”: ${errorMessage(err)}`,
        'error',
      )
    }
  }
  return (
    <div
      className="mt-2 rounded-lg border border-violet-200 bg-violet-50/60 px-3 py-2.5"
      data-testid="wait-choice"
      data-kind={kind}
    >
      <p className="text-[12.5px] leading-snug text-violet-950">
        <strong className="font-semibold">Test run — you pick what happens.</strong>{' '}
        {kind === 'event'
          ? 'Nothing sent to the workflow reaches a test run: say whether the event arrives.'
          : 'Decide as the assignee would (they also see it in their Inbox).'}
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-1.5">
        <span className="mr-0.5 text-[12px] text-slate-600">Continue along</span>
        {WAIT_BRANCHES[kind].map((branch) => {
          const missing = !wired.has(branch)
          return (
            <Button
              key={branch}
              size="sm"
              disabled={choose.isPending || missing || (branch === 'received' && !!eventProblem)}
              onClick={() => void pick(branch)}
              data-testid={`wait-choose-${branch}`}
              className={`font-mono ${BRANCH_STYLE[branch] ?? ''}`}
              title={
                missing
                  ? `No edge labelled “${branch}” leaves this step`
                  : `${BRANCH_MEANS[branch] ?? branch}: the run goes on along “${branch}”`
              }
            >
              {branch}
            </Button>
          )
        })}
      </div>
      {kind === 'event' && (
        <div className="mt-2">
          {filter && (
            <p className="mb-1.5 text-[12px] text-slate-600" data-testid="wait-filter">
              Events count when{' '}
              <code className="rounded bg-white px-1 font-mono text-[11.5px]">{filter}</code>
            </p>
          )}
          <label className="flex items-center gap-1.5 text-[12px] text-slate-700">
            <input
              type="checkbox"
              checked={editEvent}
              onChange={(e) => setEditEvent(e.target.checked)}
              data-testid="wait-edit-event"
            />
            Edit the event that arrives (otherwise: this run’s own event)
          </label>
          {editEvent && (
            <div className="mt-1.5">
              <JsonEditor
                id={`arriving-${runId}`}
                label="The event that arrives"
                value={eventText}
                onChange={setEventText}
                testId="wait-event-editor"
                rows={8}
              />
            </div>
          )}
        </div>
      )}
    </div>
  )
}
