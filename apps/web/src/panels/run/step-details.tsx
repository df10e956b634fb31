import { memo } from 'react'
import type { RecordedRequest } from '../../lib/engine'
import { specById } from '../../lib/specs'
import { useEditor, useEditorStoreApi } from '../../store/context'
import { formatDuration, inputOf } from '../../store/trace'
import { Button } from '../../ui/button'
import { DecisionOutcome } from './decision-outcome'
import { JsonTree, truncatedSize } from './json-tree'
import { sendsOutside } from './live-run-dialog'
import { RunStatusChip, Tag } from './run-status'

function Section({
  title,
  children,
  aside,
}: {
  title: string
  children: React.ReactNode
  aside?: React.ReactNode
}) {
  return (
    <section className="mt-3">
      <div className="mb-1 flex items-center justify-between">
        <h4 className="text-[11px] font-semibold tracking-wide text-slate-500 uppercase">{title}</h4>
        {aside}
      </div>
      {children}
    </section>
  )
}

function RequestView({ request, dryRun }: { request: RecordedRequest; dryRun: boolean }) {
  return (
    <div className="rounded-md border border-amber-200 bg-amber-50/50 p-2" data-testid="step-request">
      <p className="mb-1.5 text-[11.5px] text-amber-900">
        {dryRun ? 'Would send (dry run — not sent):' : 'Sent:'}
      </p>
      <p className="mb-1.5 font-mono text-[11.5px] break-all text-slate-800">
        <span className="font-semibold">{request.method}</span> {request.url}
        {request.attempts && request.attempts > 1 ? (
          <span className="ml-1 text-amber-700">({request.attempts} attempts)</span>
        ) : null}
      </p>
      <JsonTree value={request.headers} label="headers" openDepth={0} />
      {request.body !== undefined && (
        <div className="mt-1">
          <JsonTree value={request.body} label="body" openDepth={4} testId="step-request-body" />
        </div>
      )}
    </div>
  )
}

/** What stands in for the output of a step that has none yet, or never will. */
const PENDING_OUTPUT = {
  running: 'Running…',
  waiting: 'Waiting: the run continues here when the wait is over.',
  cancelled: 'Cancelled before this step finished.',
}

/**
 * One node in the run: what it received, what it gave, and for steps that talk to the
 * outside world the exact request (recorded instead of sent in a dry run).
 */
export const StepDetails = memo(function StepDetails({
  nodeId,
  onBack,
  onPin,
}: {
  nodeId: string
  onBack: () => void
  /** Absent on read-only replays: there is no run setup to pin into. */
  onPin?: (nodeId: string, output: unknown) => void
}) {
  const node = useEditor((s) => s.graph.nodes.find((n) => n.id === nodeId))
  const t = useEditor((s) => s.trace.nodes[nodeId])
  const dryRun = useEditor((s) => s.trace.dryRun)
  const store = useEditorStoreApi()
  const input = useEditor((s) => (t && t.status !== 'skipped' ? inputOf(s.trace, nodeId) : undefined))
  const spec = node?.type ? specById.get(node.type) : undefined
  const requests = t?.requests ?? (t?.request ? [t.request] : [])
  const inputFrom = t?.inputFrom ? store.getState().graph.nodes.find((n) => n.id === t.inputFrom) : null

  return (
    <div data-testid="step-details" data-node={nodeId}>
      <button
        type="button"
        onClick={onBack}
        className="mb-2 text-[12px] text-indigo-600 hover:underline"
        data-testid="step-details-back"
      >
        ← All steps
      </button>
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="truncate text-[14px] font-semibold text-slate-900" title={node?.label}>
            {node?.label || nodeId}
          </h3>
          <p className="text-[11.5px] text-slate-500">
            <span className="font-mono">{nodeId}</span>
            {spec ? ` · ${spec.title}` : ''}
            {t?.durationMs !== undefined && t.status !== 'running'
              ? ` · ${formatDuration(t.durationMs)}`
              : ''}
            {t && t.visits > 1 ? ` · visit ${t.visits}` : ''}
          </p>
        </div>
        {t ? <RunStatusChip status={t.status} /> : <RunStatusChip status="idle" />}
      </div>
      <div className="mt-1.5 flex flex-wrap gap-1">
        {t?.mocked && <Tag tone="amber">mocked</Tag>}
        {t?.skippedWait && <Tag>wait skipped</Tag>}
        {node && sendsOutside(node) && (
          <Tag tone={dryRun ? 'slate' : 'red'}>
            {dryRun ? 'side effect · recorded' : 'side effect · sent'}
          </Tag>
        )}
      </div>

      {!t && <p className="mt-3 text-[12.5px] text-slate-500">This step did not run in this run.</p>}
      {t?.status === 'skipped' && (
        <p className="mt-3 text-[12.5px] text-slate-500">
          Ruled out: a decision upstream took another branch, so nothing reached this step.
        </p>
      )}
      {t?.status === 'failed' && t.error && (
        <p
          className="mt-3 rounded-md border border-red-200 bg-red-50 px-2.5 py-1.5 text-[12px] leading-snug text-red-700"
          data-testid="step-error"
        >
          {t.error}
        </p>
      )}
      {requests.map((r, i) => (
        <Section
          // biome-ignore lint/suspicious/noArrayIndexKey: a step's recorded requests are a fixed list in call order
          key={i}
          title={requests.length > 1 ? `Request ${i + 1} of ${requests.length}` : 'Request'}
        >
          <RequestView request={r} dryRun={dryRun} />
        </Section>
      ))}
      <DecisionOutcome nodeId={nodeId} />
      {t && t.status !== 'skipped' && (
        <>
          <Section title="Output">
            {t.status === 'running' || t.status === 'waiting' || t.status === 'cancelled' ? (
              <p className="text-[12px] text-slate-400">{PENDING_OUTPUT[t.status]}</p>
            ) : (
              <JsonTree value={t.output} testId="step-output" />
            )}
          </Section>
          {t.output !== undefined &&
            onPin &&
            t.status === 'succeeded' &&
            !t.mocked &&
            truncatedSize(t.output) === null && (
              <Button
                size="sm"
                className="mt-2"
                data-testid="step-pin-output"
                onClick={() => onPin(nodeId, t.output)}
              >
                Pin this output as a mock
              </Button>
            )}
          <Section
            title={inputFrom ? `Input — from ${inputFrom.label || inputFrom.id}` : 'Input — the event'}
          >
            <JsonTree value={input} openDepth={1} testId="step-input" />
          </Section>
        </>
      )}
    </div>
  )
})
