import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { type Source, useSourceMessages, useSourceMutations, useSources } from '../../api/sources'
import { type CurrentUser, errorMessage, useTRPC } from '../../api/trpc'
import { relativeTime } from '../../lib/download'
import { navigate } from '../../lib/router'
import { inputClass } from '../../panels/fields'
import { Button } from '../../ui/button'
import { toast } from '../../ui/toast'
import { ConnectTabs } from '../connect-tabs'

/**
 * Sources: where apps send events with Segment's own libraries (DESIGN §6 HTTP Tracking
 * API). Each has a write key; published workflows subscribed to it run for every message.
 */
export function SourcesPage({ user }: { user: CurrentUser }) {
  const canEdit = user.role !== 'viewer'
  const list = useSources(canEdit)
  const { create } = useSourceMutations()
  const [name, setName] = useState('')
  const add = () =>
    create.mutate(
      { name: name.trim() },
      {
        onSuccess: () => {
          setName('')
          toast('Source created: copy its write key into your app', 'success')
        },
        onError: (err) => toast(errorMessage(err), 'error'),
      },
    )
  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto max-w-5xl px-8 py-8">
        <ConnectTabs current="sources" />
        <div className="mb-6 flex items-end justify-between gap-4">
          <div>
            <h1 className="text-[20px] font-semibold tracking-tight text-slate-900">Sources</h1>
            <p className="mt-0.5 max-w-2xl text-[13px] text-slate-500">
              Send events from your apps with Segment’s libraries: point their host at this server and use the
              source’s write key. Every published workflow subscribed to the source runs for each event.
            </p>
          </div>
          {canEdit && (
            <form
              className="flex items-center gap-2"
              onSubmit={(e) => {
                e.preventDefault()
                if (name.trim()) add()
              }}
            >
              <input
                className={`${inputClass} w-56`}
                placeholder="Name, e.g. Web app"
                aria-label="New source name"
                data-testid="source-name"
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
              <Button
                type="submit"
                variant="primary"
                disabled={!name.trim() || create.isPending}
                data-testid="source-create"
              >
                + New source
              </Button>
            </form>
          )}
        </div>
        {!canEdit ? (
          <p className="rounded-xl border border-slate-200 bg-white px-4 py-10 text-center text-slate-500">
            Sources and their write keys are managed by editors and admins.
          </p>
        ) : list.isError ? (
          <p className="text-red-600">{errorMessage(list.error)}</p>
        ) : list.isPending ? (
          <p className="text-slate-400">Loading…</p>
        ) : list.data.length === 0 ? (
          <p className="rounded-xl border border-slate-200 bg-white px-4 py-10 text-center text-slate-400">
            No sources yet — create one for each app that sends events.
          </p>
        ) : (
          <div className="space-y-5">
            {list.data.map((s) => (
              <SourceCard key={s.id} source={s} />
            ))}
          </div>
        )}
      </div>
    </div>
  )
}

function SourceCard({ source }: { source: Source }) {
  const { rotateKey } = useSourceMutations()
  const rotate = () => {
    if (
      !window.confirm(`Rotate the write key of “${source.name}”? Apps using the old key are refused at once.`)
    )
      return
    rotateKey.mutate(
      { sourceId: source.id },
      {
        onSuccess: () => toast('New write key: update your apps', 'success'),
        onError: (err) => toast(errorMessage(err), 'error'),
      },
    )
  }
  return (
    <section
      className="rounded-xl border border-slate-200 bg-white shadow-xs"
      data-testid={`source-${source.name}`}
    >
      <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-100 px-4 py-3">
        <div>
          <h2 className="text-[15px] font-semibold text-slate-900">{source.name}</h2>
          <p className="text-[12px] text-slate-500">
            Created {relativeTime(source.createdAt)} by {source.createdBy}
          </p>
        </div>
        <WriteKey source={source} onRotate={rotate} />
      </header>
      <div className="grid gap-4 px-4 py-3 md:grid-cols-2">
        <Subscriptions source={source} />
        <Setup writeKey={source.writeKey} />
      </div>
      <RecentMessages sourceId={source.id} />
    </section>
  )
}

function WriteKey({ source, onRotate }: { source: Source; onRotate: () => void }) {
  const copy = () =>
    navigator.clipboard?.writeText(source.writeKey).then(
      () => toast('Write key copied', 'success'),
      () => toast('Copy failed: select the key and copy it by hand', 'error'),
    )
  return (
    <div className="flex items-center gap-2">
      <span className="text-[12px] text-slate-500">Write key</span>
      <code
        className="rounded bg-slate-100 px-2 py-1 font-mono text-[12px] text-slate-800"
        data-testid="write-key"
      >
        {source.writeKey}
      </code>
      <Button size="sm" onClick={copy}>
        Copy
      </Button>
      <Button size="sm" variant="ghost" onClick={onRotate}>
        Rotate
      </Button>
    </div>
  )
}

function Subscriptions({ source }: { source: Source }) {
  const trpc = useTRPC()
  // Fresh whenever shown: a workflow published a moment ago must be offered.
  const workflows = useQuery(trpc.workflows.list.queryOptions({}, { staleTime: 0 }))
  const { subscribe, unsubscribe } = useSourceMutations()
  const subscribed = new Set(source.workflows.map((w) => w.id))
  const candidates = (workflows.data ?? []).filter((w) => !subscribed.has(w.id))
  return (
    <div>
      <h3 className="mb-2 text-[12px] font-semibold tracking-wide text-slate-500 uppercase">
        Runs these workflows
      </h3>
      {source.workflows.length === 0 ? (
        <p className="mb-2 text-[13px] text-slate-400">
          No workflow subscribed yet: events are received and shown below, nothing runs.
        </p>
      ) : (
        <ul className="mb-2 space-y-1">
          {source.workflows.map((w) => (
            <li key={w.id} className="flex items-center gap-2 text-[13px]">
              <button
                type="button"
                className="text-indigo-700 hover:underline"
                onClick={() => navigate(`/workflows/${w.id}`)}
              >
                {w.title}
              </button>
              {!w.live && (
                <span
                  className="rounded bg-amber-50 px-1.5 text-[11px] text-amber-700"
                  title="Only published workflows run"
                >
                  not published
                </span>
              )}
              <Button
                size="sm"
                variant="ghost"
                onClick={() => unsubscribe.mutate({ sourceId: source.id, workflowId: w.id })}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <select
        className={`${inputClass} w-full`}
        aria-label={`Subscribe a workflow to ${source.name}`}
        data-testid="source-subscribe"
        value=""
        onChange={(e) => {
          const workflowId = e.target.value
          if (!workflowId) return
          subscribe.mutate(
            { sourceId: source.id, workflowId },
            { onError: (err) => toast(errorMessage(err), 'error') },
          )
        }}
      >
        <option value="">+ Subscribe a workflow…</option>
        {candidates.map((w) => (
          <option key={w.id} value={w.id}>
            {w.title}
            {w.publishedVersion === null ? ' (not published)' : ''}
          </option>
        ))}
      </select>
    </div>
  )
}

/** How an app sends here, with this key filled in. */
function Setup({ writeKey }: { writeKey: string }) {
  const origin = window.location.origin
  return (
    <div>
      <h3 className="mb-2 text-[12px] font-semibold tracking-wide text-slate-500 uppercase">
        Send from your app
      </h3>
      <pre className="overflow-x-auto rounded-md bg-slate-900 px-3 py-2 text-[11.5px] leading-5 text-slate-100">
        {`import { Analytics } from '@segment/analytics-node'
const analytics = new Analytics({
  writeKey: '${writeKey}',
  host: '${origin}',
})
analytics.track({ userId: 'u-1', event: 'Order Completed' })`}
      </pre>
      <p className="mt-1 text-[12px] text-slate-500">
        Or POST Segment calls to <code>{origin}/v1/track</code>, <code>/v1/identify</code>,{' '}
        <code>/v1/batch</code> … with the write key as the Basic auth user name.
      </p>
    </div>
  )
}

function RecentMessages({ sourceId }: { sourceId: string }) {
  const messages = useSourceMessages(sourceId)
  return (
    <div className="border-t border-slate-100 px-4 py-3">
      <h3 className="mb-2 text-[12px] font-semibold tracking-wide text-slate-500 uppercase">
        Last 50 events
      </h3>
      {messages.isError ? (
        <p className="text-red-600">{errorMessage(messages.error)}</p>
      ) : !messages.data?.length ? (
        <p className="text-[13px] text-slate-400">Nothing received yet.</p>
      ) : (
        <table className="w-full text-left text-[13px]" data-testid="source-messages">
          <tbody>
            {messages.data.map((m) => (
              <tr
                key={`${m.messageId}-${m.receivedAt}`}
                className="border-t border-slate-100 first:border-t-0"
              >
                <td className="py-1.5 pr-3 whitespace-nowrap text-slate-500">{relativeTime(m.receivedAt)}</td>
                <td className="py-1.5 pr-3 text-slate-800">{m.summary}</td>
                <td className="py-1.5 text-right">
                  {m.runs.length === 0 ? (
                    <span className="text-slate-400">no run</span>
                  ) : (
                    m.runs.map((r) => (
                      <button
                        key={r.runId}
                        type="button"
                        className="ml-2 text-indigo-700 hover:underline"
                        onClick={() => navigate(`/runs/${r.runId}`)}
                      >
                        run ↗
                      </button>
                    ))
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
