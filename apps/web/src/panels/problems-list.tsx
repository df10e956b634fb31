import { useReactFlow } from '@xyflow/react'
import { humanMessage } from '../lib/human-messages'
import { useEditor, useEditorStoreApi } from '../store/context'
import { isDirty } from '../store/editor-store'
import type { Issue } from '../store/types'

const sameIssue = (a: Issue, b: Issue) =>
  a.code === b.code && a.nodeId === b.nodeId && a.edgeId === b.edgeId && a.severity === b.severity

/**
 * Every issue of the graph; clicking one selects its node (or edge) and brings it into view.
 * One verdict: the browser runs the server's validation, so the list is the server's list.
 * Only what the last save's check found beyond it (e.g. credentials it removed) is added.
 */
export function ProblemsList() {
  const issues = useEditor((s) => s.issues)
  const nodes = useEditor((s) => s.graph.nodes)
  const edges = useEditor((s) => s.graph.edges)
  // Steps by label and settings by title; the engine's message (ids, config paths) as a tooltip.
  const text = (issue: Issue) => humanMessage(issue, { nodes, edges })
  const dirty = useEditor(isDirty)
  const serverIssues = useEditor((s) => s.serverIssues)
  const serverOnly =
    !dirty && serverIssues ? serverIssues.filter((si) => !issues.some((bi) => sameIssue(si, bi))) : []
  const store = useEditorStoreApi()
  const flow = useReactFlow()

  const reveal = (issue: Issue) => {
    const s = store.getState()
    if (issue.nodeId) {
      s.select({ nodes: [issue.nodeId], edges: [] })
      const node = flow.getInternalNode(issue.nodeId)
      if (node) {
        const { x, y } = node.internals.positionAbsolute
        const w = node.measured.width ?? node.width ?? 0
        const h = node.measured.height ?? node.height ?? 0
        void flow.setCenter(x + w / 2, y + h / 2, { zoom: Math.max(flow.getZoom(), 1), duration: 300 })
      }
    } else if (issue.edgeId) {
      const edge = s.graph.edges.find((e) => e.id === issue.edgeId)
      s.select({ nodes: [], edges: [issue.edgeId] })
      if (edge)
        void flow.fitView({ nodes: [{ id: edge.source }, { id: edge.target }], duration: 300, maxZoom: 1.2 })
    }
  }

  const label = (issue: Issue) => {
    const s = store.getState()
    if (issue.nodeId) return s.graph.nodes.find((n) => n.id === issue.nodeId)?.label ?? issue.nodeId
    if (issue.edgeId) {
      const e = s.graph.edges.find((x) => x.id === issue.edgeId)
      const name = (id: string) => s.graph.nodes.find((n) => n.id === id)?.label || id
      return e ? `${name(e.source)} → ${name(e.target)}` : 'a connection'
    }
    return 'workflow'
  }

  return (
    <div className="h-full overflow-y-auto" data-testid="problems-list">
      {issues.length === 0 ? (
        <p className="px-4 py-6 text-center text-[12.5px] text-slate-400" data-testid="no-problems">
          No problems found.
        </p>
      ) : (
        <ul>
          {issues.map((issue, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: issues have no identity; the list is replaced whole
            <li key={`${issue.code}:${issue.nodeId ?? ''}:${issue.edgeId ?? ''}:${i}`}>
              <button
                type="button"
                data-testid="problem-item"
                data-node-id={issue.nodeId}
                data-edge-id={issue.edgeId}
                onClick={() => reveal(issue)}
                className="flex w-full items-start gap-2.5 border-b border-slate-100 px-4 py-2 text-left hover:bg-slate-50"
              >
                <Dot severity={issue.severity} />
                <span className="min-w-0 flex-1">
                  <span className="block text-[12.5px] leading-snug text-slate-700" title={issue.message}>
                    {text(issue)}
                  </span>
                  <span className="mt-0.5 block truncate text-[11.5px] text-slate-400">
                    {label(issue)} · {issue.code}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {serverOnly.length > 0 && (
        <div className="border-t border-slate-200 bg-slate-50 px-4 py-2.5" data-testid="server-issues">
          <div className="mb-1 text-[11.5px] font-semibold tracking-wide text-slate-500 uppercase">
            Also noted when this version was saved
          </div>
          {serverOnly.map((issue, i) => (
            <p
              // biome-ignore lint/suspicious/noArrayIndexKey: issues have no identity; the list is replaced whole
              key={`${issue.code}:${i}`}
              className="flex items-start gap-2 py-0.5 text-[12px] text-slate-600"
            >
              <Dot severity={issue.severity} />
              {text(issue)}
            </p>
          ))}
        </div>
      )}
    </div>
  )
}

function Dot({ severity }: { severity: Issue['severity'] }) {
  return (
    <span
      role="img"
      aria-label={severity}
      className={`mt-[5px] h-2 w-2 shrink-0 rounded-full ${severity === 'error' ? 'bg-red-500' : 'bg-amber-400'}`}
    />
  )
}
