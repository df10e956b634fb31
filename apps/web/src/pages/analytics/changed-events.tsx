import type { PreviewStatus } from '../../api/analytics'
import { runPath } from '../../lib/router'

type Changed = PreviewStatus['changed'][number]

/** The labelled edges one path took and the other did not: what a marketer reads as "the branch". */
function branchChange(c: Changed, edges: PreviewStatus['edges']): { from: string; to: string } {
  // Each side in its own words: the published label for the published path.
  const published = new Map(edges.map((e) => [e.edgeId, e.publishedLabel ?? e.label]))
  const draft = new Map(edges.map((e) => [e.edgeId, e.label]))
  const taken = (tokens: string[]) => new Set(tokens.filter((t) => t.startsWith('t:')).map((t) => t.slice(2)))
  const before = taken(c.publishedPath.tokens)
  const after = taken(c.draftPath.tokens)
  // The branch a decision or split took says it; the edges after it only follow.
  const branches = new Set(edges.filter((e) => e.branch).map((e) => e.edgeId))
  const named = (ids: Set<string>, other: Set<string>, labels: Map<string, string | null>) => {
    const differing = [...ids].filter((id) => !other.has(id) && labels.get(id))
    const picked = differing.some((id) => branches.has(id))
      ? differing.filter((id) => branches.has(id))
      : differing
    return picked.map((id) => labels.get(id)).join(', ')
  }
  return {
    from: named(before, after, published) || c.publishedPath.status,
    to: named(after, before, draft) || c.draftPath.status,
  }
}

/** Events that would take another path on the draft, each opening the draft's dry run of it. */
export function ChangedEvents({ preview }: { preview: PreviewStatus }) {
  if (preview.changedCount === 0)
    return <p className="mt-1 text-[12px] text-slate-500">No event takes another path on this draft.</p>
  return (
    <div className="mt-1.5">
      <p className="text-[12px] font-medium text-slate-700">
        {preview.changedCount} of {preview.done} events take another path
        {preview.changed.length < preview.changedCount && ` (first ${preview.changed.length} listed)`}
      </p>
      <ul
        data-testid="preview-changed"
        className="mt-1 max-h-44 divide-y divide-slate-100 overflow-auto rounded border border-slate-200"
      >
        {preview.changed.map((c) => {
          const { from, to } = branchChange(c, preview.edges)
          return (
            <li
              key={c.runId}
              className="flex items-center gap-2 px-2 py-1 text-[11.5px]"
              data-testid="preview-changed-event"
            >
              <span
                className="min-w-0 flex-1 truncate text-slate-700"
                title={`${c.summary} — production run ${c.runId}`}
              >
                {c.summary}
              </span>
              <span className="shrink-0 text-slate-500">
                <span className="font-mono text-slate-700">{from}</span> →{' '}
                <span className="font-mono text-amber-700">{to}</span>
              </span>
              {/* A new tab: the preview and any unsaved draft stay open here. */}
              <a
                href={`#${runPath(c.dryRunId)}`}
                target="_blank"
                rel="noreferrer"
                className="shrink-0 text-indigo-700 hover:underline"
              >
                Open dry run
              </a>
            </li>
          )
        })}
      </ul>
    </div>
  )
}
