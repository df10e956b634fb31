import { memo } from 'react'
import type { InboxTask } from '../../api/inbox'
import { relativeTime } from '../../lib/download'
import { runPath, workflowPath } from '../../lib/router'
import { clockLabel } from '../../lib/run-status'
import { eventSummary } from '../../lib/segment-event'
import { JsonTree } from '../../panels/run/json-tree'
import { Tag } from '../../panels/run/run-status'
import { Link } from '../audit/ui'
import { DecisionForm } from './decision-form'

/** One approval waiting for a decision: what it is about, the run's context, and the decision. */
export const TaskCard = memo(function TaskCard({ task, canDecide }: { task: InboxTask; canDecide: boolean }) {
  return (
    <li
      className="rounded-xl border border-slate-200 bg-white shadow-xs"
      data-testid="inbox-task"
      data-run-id={task.runId}
    >
      <div className="flex flex-col gap-3 px-5 py-4">
        <div className="flex items-center gap-2 text-[12px] text-slate-500">
          <Link
            to={workflowPath(task.workflowId)}
            className="truncate font-medium text-slate-600 hover:text-indigo-700"
          >
            {task.workflowTitle || 'Untitled workflow'}
          </Link>
          <span>{task.version ? `v${task.version}` : 'draft'}</span>
          {task.test && (
            <span data-testid="inbox-test-tag" title="Started from the editor as a test run: nothing is sent">
              <Tag tone="amber">test run</Tag>
            </span>
          )}
          <Link
            to={runPath(task.runId)}
            className="ml-auto shrink-0 text-indigo-700 hover:underline"
            testId="inbox-open-run"
          >
            Open run ↗
          </Link>
        </div>
        <div>
          <h2 className="text-[15px] font-semibold text-slate-900" data-testid="inbox-task-title">
            {task.title}
          </h2>
          {task.details ? (
            <p
              className="mt-1 text-[13px] leading-relaxed whitespace-pre-wrap text-slate-700"
              data-testid="inbox-task-details"
            >
              {task.details}
            </p>
          ) : (
            <p className="mt-1 text-[13px] text-slate-400 italic">No details given.</p>
          )}
        </div>
        <dl className="grid grid-cols-3 gap-3 rounded-lg bg-slate-50 px-3 py-2 text-[12.5px]">
          <Fact label="Assigned to" testId="inbox-assignees">
            {task.assignees.join(', ')}
          </Fact>
          <Fact label="Waiting since" title={new Date(task.since).toLocaleString()}>
            {relativeTime(task.since)}
          </Fact>
          <Fact
            label="Times out"
            title={task.until ? new Date(task.until).toLocaleString() : undefined}
            testId="inbox-until"
          >
            {task.until ? `${clockLabel(task.until)} (then “timeout”)` : 'never'}
          </Fact>
        </dl>
        <details className="group text-[12.5px]" data-testid="inbox-event">
          <summary className="cursor-pointer text-slate-600 select-none hover:text-slate-900">
            <span className="font-medium">Triggering event</span>{' '}
            <span className="text-slate-400">{eventSummary(task.event)}</span>
          </summary>
          <div className="mt-2 max-h-72 overflow-auto">
            <JsonTree value={task.event} openDepth={1} />
          </div>
        </details>
        <DecisionForm task={task} canDecide={canDecide} />
      </div>
    </li>
  )
})

function Fact(props: { label: string; children: React.ReactNode; title?: string; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] font-semibold tracking-wide text-slate-500 uppercase">{props.label}</dt>
      <dd className="truncate text-slate-800" title={props.title} data-testid={props.testId}>
        {props.children}
      </dd>
    </div>
  )
}
