import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { errorMessage, type RouterOutputs, useTRPC } from '../api/trpc'
import { relativeTime } from '../lib/download'
import type { WorkflowNode } from '../lib/engine'
import { runPath } from '../lib/router'
import { specById } from '../lib/specs'
import { useEditor } from '../store/context'
import { SAMPLE_EVENTS } from '../store/run-setup'
import { Button } from '../ui/button'
import { CopyField } from '../ui/copy-field'
import { Modal } from '../ui/modal'
import { toast } from '../ui/toast'

type Delivery = RouterOutputs['runs']['list'][number]
type TestResult = RouterOutputs['workflows']['sendTestEvent']

/** The address Segment (or anything else) posts events to: `<origin>/api/hooks/<workflowId>`. */
export const hookUrl = (workflowId: string) =>
  `${location.origin}/api/hooks/${encodeURIComponent(workflowId)}`

const STATUS_TONE: Record<string, string> = {
  succeeded: 'bg-emerald-500',
  failed: 'bg-red-500',
  cancelled: 'bg-slate-400',
  waiting: 'bg-violet-500',
  running: 'bg-sky-500',
  queued: 'bg-sky-300',
}

function SectionHeading({ children }: { children: React.ReactNode }) {
  return (
    <h3 className="mb-1.5 text-[11.5px] font-semibold tracking-wide text-slate-500 uppercase">{children}</h3>
  )
}

/**
 * How events reach a workflow: its webhook URL, the signing secret (set or rotate), a test
 * delivery that really goes through the hook, and the last 20 production runs. Shown on the
 * start node's inspector and after publishing.
 */
export function TriggerSetup(props: {
  workflowId: string
  publishedVersion: number | null
  canEdit: boolean
}) {
  const { workflowId, publishedVersion, canEdit } = props
  const live = publishedVersion !== null
  return (
    <div className="space-y-4 text-[12.5px] text-slate-700" data-testid="trigger-setup">
      <div
        data-testid="trigger-live"
        data-live={live}
        className={`rounded-md px-2.5 py-1.5 leading-snug ${live ? 'bg-emerald-50 text-emerald-800' : 'bg-amber-50 text-amber-800'}`}
      >
        {live
          ? `Live: events posted to this URL run version ${publishedVersion}.`
          : 'Not live yet: publish a version first. Until then the URL answers 404.'}
      </div>
      <section>
        <SectionHeading>Webhook URL</SectionHeading>
        <CopyField label="Webhook URL" value={hookUrl(workflowId)} testId="trigger-url" />
        <p className="mt-1.5 leading-snug text-slate-500">
          In Segment, add a <span className="font-medium">Webhooks</span> destination and paste this URL. Any
          system can POST a Segment-style JSON event to it.
        </p>
      </section>
      <SigningSecret workflowId={workflowId} canEdit={canEdit} />
      {canEdit && <TestDelivery workflowId={workflowId} live={live} />}
      {/*
        Segment sources (the Segment-ingestion issue) go here: subscribing this workflow to a
        source created in the app (sources.subscribe), so events sent with that source's
        write key run it. Deliberately left out until that issue builds the source picker.
      */}
      <Deliveries workflowId={workflowId} />
    </div>
  )
}

function SigningSecret({ workflowId, canEdit }: { workflowId: string; canEdit: boolean }) {
  const trpc = useTRPC()
  const qc = useQueryClient()
  const wf = useQuery(trpc.workflows.get.queryOptions({ id: workflowId }, { staleTime: 5_000 }))
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.workflows.get.queryKey({ id: workflowId }) })
  const generate = useMutation(trpc.workflows.generateWebhookSecret.mutationOptions({ onSuccess: refresh }))
  const remove = useMutation(trpc.workflows.setWebhookSecret.mutationOptions({ onSuccess: refresh }))
  const [shown, setShown] = useState<string | null>(null)
  const set = wf.data?.webhookSecretSet ?? false

  const rotate = async () => {
    try {
      setShown((await generate.mutateAsync({ id: workflowId })).secret)
    } catch (err) {
      toast(`Could not set the secret: ${errorMessage(err)}`, 'error')
    }
  }
  const clear = async () => {
    try {
      await remove.mutateAsync({ id: workflowId, secret: null })
      setShown(null)
      toast('Signing secret removed: unsigned events are accepted again', 'success')
    } catch (err) {
      toast(errorMessage(err), 'error')
    }
  }

  return (
    <section>
      <SectionHeading>Signing secret</SectionHeading>
      <p className="mb-2 leading-snug" data-testid="trigger-secret-state" data-set={set}>
        {set ? (
          <>
            <span className="font-medium text-emerald-700">Set.</span> Each request must carry{' '}
            <code className="rounded bg-slate-100 px-1">X-Signature</code>: the hex HMAC-SHA1 of the raw body.
            Unsigned or wrongly signed requests get 401.
          </>
        ) : (
          <>
            <span className="font-medium text-amber-700">Not set.</span> Anyone who knows the URL can post
            events. Set a secret and enter it in Segment as the destination’s shared secret.
          </>
        )}
      </p>
      {shown && (
        <div
          className="mb-2 rounded-md border border-indigo-200 bg-indigo-50/60 p-2"
          data-testid="trigger-secret-shown"
        >
          <CopyField label="New signing secret" value={shown} testId="trigger-secret" />
          <p className="mt-1.5 leading-snug text-indigo-900">
            Copy it now: it is not shown again. The previous secret has stopped working.
          </p>
        </div>
      )}
      {canEdit && (
        <div className="flex flex-wrap gap-2">
          <Button
            size="sm"
            onClick={() => void rotate()}
            disabled={generate.isPending}
            data-testid="trigger-secret-generate"
          >
            {set ? 'Rotate secret' : 'Set a secret'}
          </Button>
          {set && (
            <Button size="sm" variant="ghost" onClick={() => void clear()} disabled={remove.isPending}>
              Remove secret
            </Button>
          )}
        </div>
      )}
    </section>
  )
}

function TestDelivery({ workflowId, live }: { workflowId: string; live: boolean }) {
  const trpc = useTRPC()
  const qc = useQueryClient()
  const [sample, setSample] = useState(SAMPLE_EVENTS[1]?.id ?? SAMPLE_EVENTS[0].id)
  const [result, setResult] = useState<TestResult | null>(null)
  const send = useMutation(
    trpc.workflows.sendTestEvent.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.runs.list.queryKey() }),
    }),
  )
  const go = async () => {
    const event = SAMPLE_EVENTS.find((s) => s.id === sample)?.event as Record<string, unknown>
    try {
      setResult(await send.mutateAsync({ id: workflowId, event }))
    } catch (err) {
      toast(`Could not send: ${errorMessage(err)}`, 'error')
    }
  }
  return (
    <section>
      <SectionHeading>Send a test event</SectionHeading>
      <p className="mb-2 leading-snug text-slate-500">
        Posts a sample event to the URL above, signed with the secret, exactly like Segment would. It runs the
        published version for real.
      </p>
      <div className="flex items-center gap-2">
        <select
          aria-label="Sample event"
          value={sample}
          onChange={(e) => setSample(e.target.value)}
          className="h-8 min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-1.5 text-[12.5px] outline-none focus:border-indigo-500"
          data-testid="trigger-sample"
        >
          {SAMPLE_EVENTS.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
        <Button
          variant="primary"
          onClick={() => void go()}
          disabled={!live || send.isPending}
          title={live ? undefined : 'Publish first: the hook answers 404 until then'}
          data-testid="trigger-send-test"
        >
          {send.isPending ? 'Sending…' : 'Send test event'}
        </Button>
      </div>
      {result && (
        <p
          className={`mt-2 rounded-md px-2.5 py-1.5 leading-snug ${result.runId ? 'bg-slate-50 text-slate-700' : 'bg-red-50 text-red-700'}`}
          data-testid="trigger-test-result"
          data-status={result.status}
        >
          <span className="font-mono">{result.status}</span>{' '}
          {result.runId ? (
            <>
              — accepted, run started.{' '}
              <a href={`#${runPath(result.runId)}`} className="font-medium text-indigo-700 hover:underline">
                Open the run
              </a>
            </>
          ) : result.skipped ? (
            '— the start filter skipped this event: no run.'
          ) : (
            `— ${result.error ?? 'refused'}`
          )}
        </p>
      )}
    </section>
  )
}

function Deliveries({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC()
  // Deliveries arrive from outside the app: look again every few seconds while this is shown.
  const runs = useQuery(
    trpc.runs.list.queryOptions(
      { workflowId, kind: 'production', limit: 20 },
      { refetchInterval: 3_000, staleTime: 0 },
    ),
  )
  return (
    <section>
      <SectionHeading>Last 20 deliveries</SectionHeading>
      {runs.error && <p className="text-red-600">{errorMessage(runs.error)}</p>}
      {runs.data?.length === 0 && (
        <p className="text-slate-400" data-testid="trigger-no-deliveries">
          No deliveries yet: production runs show up here as events arrive.
        </p>
      )}
      {runs.data && runs.data.length > 0 && (
        <ul
          className="divide-y divide-slate-100 rounded-md border border-slate-200"
          data-testid="trigger-deliveries"
        >
          {runs.data.map((r: Delivery) => (
            <li key={r.id} data-testid="trigger-delivery" data-run-id={r.id} data-status={r.status}>
              <a
                href={`#${runPath(r.id)}`}
                className="flex items-center gap-2 px-2.5 py-1.5 hover:bg-slate-50"
                title={`Open run ${r.id}`}
              >
                <span
                  className={`h-2 w-2 shrink-0 rounded-full ${STATUS_TONE[r.status] ?? 'bg-slate-300'}`}
                />
                <span className="w-[68px] shrink-0 capitalize">{r.status}</span>
                <span className="min-w-0 flex-1 truncate text-slate-500">
                  {relativeTime(r.startedAt)}
                  {r.version ? ` · v${r.version}` : ''}
                  {r.trigger !== 'webhook' ? ` · ${r.trigger}` : ''}
                </span>
                <span className="shrink-0 text-indigo-700">Open →</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/**
 * The start node's part of the inspector: for the event trigger (a `start` node, or an untyped
 * circle nothing leads into), how events reach the workflow. Renders nothing for other nodes.
 */
export function StartNodeTrigger({ node, readOnly }: { node: WorkflowNode; readOnly: boolean }) {
  const workflowId = useEditor((s) => s.workflowId)
  const publishedVersion = useEditor((s) => s.publishedVersion)
  const untypedStart = useEditor(
    (s) => !node.type && node.shape === 'circle' && !s.graph.edges.some((e) => e.target === node.id),
  )
  const eventStart = node.type ? specById.get(node.type)?.trigger === 'event' : untypedStart
  if (!eventStart) return null
  return (
    <>
      <div className="my-3 border-t border-slate-100" />
      <h2 className="mb-2 text-[12px] font-semibold text-slate-800">How events reach this workflow</h2>
      <TriggerSetup workflowId={workflowId} publishedVersion={publishedVersion} canEdit={!readOnly} />
    </>
  )
}

/** The trigger setup in a dialog: from the toolbar, and right after publishing. */
export function TriggerDialog(props: {
  workflowId: string
  publishedVersion: number | null
  canEdit: boolean
  justPublished: boolean
  onClose: () => void
}) {
  return (
    <Modal
      title={
        props.justPublished
          ? `Version ${props.publishedVersion} is live: connect your events`
          : 'How events reach this workflow'
      }
      onClose={props.onClose}
      testId="trigger-dialog"
      width="max-w-xl"
      footer={
        <Button variant="primary" onClick={props.onClose} data-testid="trigger-dialog-done">
          Done
        </Button>
      }
    >
      <TriggerSetup
        workflowId={props.workflowId}
        publishedVersion={props.publishedVersion}
        canEdit={props.canEdit}
      />
    </Modal>
  )
}
