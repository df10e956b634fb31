import { ReactFlowProvider } from '@xyflow/react'
import { useMemo, useState } from 'react'
import { useVersion, useVersions, versionModel } from '../../api/audit'
import { errorMessage } from '../../api/trpc'
import { diffPath, historyPath, navigate } from '../../lib/router'
import { DIFF_COLOURS } from './canvas-parts'
import { buildDiffView, countChanges } from './diff-model'
import { DiffPanel } from './diff-panel'
import { type CanvasSelection, ReadOnlyCanvas } from './read-only-canvas'
import { Loading, PageHeader } from './ui'
import { useLaidOut } from './use-laid-out'

/** Two versions on one canvas: green added, red removed (ghosted where it was), amber changed. */
export function DiffPage({ id, from, to }: { id: string; from: number; to: number }) {
  const versions = useVersions(id)
  const a = useVersion(id, from)
  const b = useVersion(id, to)
  const view = useMemo(
    () => (a.data && b.data ? buildDiffView(versionModel(a.data), versionModel(b.data)) : undefined),
    [a.data, b.data],
  )
  const { graph, error: layoutError } = useLaidOut(view?.union)
  const [selection, setSelection] = useState<CanvasSelection>(null)
  const [focus, setFocus] = useState<{ selection: NonNullable<CanvasSelection> } | null>(null)
  const error = versions.error ?? a.error ?? b.error
  if (error) return <p className="p-10 text-[13px] text-red-600">{errorMessage(error)}</p>

  const title = (b.data && versionModel(b.data).title) || 'Workflow'
  const counts = view ? countChanges(view.diff) : null
  const pick = (s: NonNullable<CanvasSelection>) => {
    setSelection(s)
    setFocus({ selection: s })
  }
  const versionSelect = (value: number, label: string, onChange: (n: number) => void) => (
    <select
      aria-label={label}
      value={value}
      onChange={(e) => onChange(Number(e.target.value))}
      className="h-7 rounded-md border border-slate-300 bg-white px-1.5 text-[12.5px] outline-none focus:border-indigo-500"
    >
      {(versions.data ?? [{ number: value }]).map((v) => (
        <option key={v.number} value={v.number}>
          v{v.number}
        </option>
      ))}
    </select>
  )
  return (
    <div className="flex h-full flex-col" data-testid="diff-page">
      <PageHeader
        crumbs={[
          { label: 'Audit', to: '/audit' },
          { label: title, to: historyPath(id) },
          { label: `v${from} → v${to}` },
        ]}
      >
        <span className="flex items-center gap-1.5 text-[12.5px] text-slate-600">
          Compare
          {versionSelect(from, 'Compare from version', (n) => navigate(diffPath(id, n, to)))}
          <button
            type="button"
            title="Swap"
            aria-label="Swap versions"
            onClick={() => navigate(diffPath(id, to, from))}
            className="rounded px-1 text-slate-500 hover:bg-slate-100"
          >
            ⇄
          </button>
          {versionSelect(to, 'Compare to version', (n) => navigate(diffPath(id, from, n)))}
        </span>
        {counts && (
          <span className="flex items-center gap-1.5" data-testid="diff-legend">
            {(['added', 'removed', 'changed'] as const).map((s) => (
              <span
                key={s}
                data-testid={`diff-count-${s}`}
                className={`inline-flex items-center gap-1 rounded-full px-2 py-px text-[11.5px] font-medium ${DIFF_COLOURS[s].bg} ${DIFF_COLOURS[s].text}`}
              >
                <span className="h-2 w-2 rounded-full" style={{ background: DIFF_COLOURS[s].css }} />
                {counts[s]} {DIFF_COLOURS[s].label.toLowerCase()}
              </span>
            ))}
          </span>
        )}
      </PageHeader>
      <div className="flex min-h-0 flex-1">
        <section className="relative min-w-0 flex-1" aria-label="Diff canvas">
          {layoutError ? (
            <p className="p-10 text-[13px] text-red-600">{layoutError}</p>
          ) : graph && view ? (
            <ReactFlowProvider key={`${from}:${to}`}>
              <ReadOnlyCanvas
                graph={graph}
                marks={view}
                selection={selection}
                onSelect={setSelection}
                focus={focus}
              />
            </ReactFlowProvider>
          ) : (
            <Loading label="Comparing versions…" />
          )}
        </section>
        <aside
          className="w-[400px] shrink-0 border-l border-slate-200 bg-white"
          aria-label="Changes"
          data-testid="diff-panel"
        >
          {view && a.data && b.data ? (
            <DiffPanel
              view={view}
              before={versionModel(a.data)}
              after={versionModel(b.data)}
              selection={selection}
              onPick={pick}
            />
          ) : (
            <Loading />
          )}
        </aside>
      </div>
    </div>
  )
}
