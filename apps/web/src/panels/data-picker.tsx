import { useEffect, useRef, useState } from 'react'
import type { DataPath, DataSource } from '../lib/data-paths'

const ORIGIN_NOTE: Record<DataSource['origin'], string> = {
  sample: 'sample event',
  'last run': 'from the last test run',
  example: 'example output',
}

/** Sources narrowed to the fields whose name or path holds the query. */
function filterSources(sources: DataSource[], query: string): DataSource[] {
  const q = query.trim().toLowerCase()
  if (!q) return sources
  return sources
    .map((s) => ({
      ...s,
      paths: s.paths.filter(
        (p) => p.path.toLowerCase().includes(q) || `${s.title} ${p.name}`.toLowerCase().includes(q),
      ),
    }))
    .filter((s) => s.paths.length > 0)
}

/**
 * "Insert field": the data that reaches this step, grouped by where it comes from (the event,
 * each earlier step by its label). Choosing one hands its JSONata path to the field.
 */
export function DataPickerButton(props: {
  sources: DataSource[]
  onPick: (path: string) => void
  fieldLabel: string
  testId?: string
  disabled?: boolean
  /** Just the `{ }` icon, for a field inside a table row. */
  compact?: boolean
}) {
  const [open, setOpen] = useState(false)
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const close = (e: MouseEvent) => {
      if (box.current && !box.current.parentElement?.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', close)
    return () => document.removeEventListener('mousedown', close)
  }, [open])
  if (props.disabled) return null
  return (
    <>
      <button
        type="button"
        data-testid={props.testId}
        aria-expanded={open}
        aria-label={`Insert a field into ${props.fieldLabel}`}
        // Keep the field's caret: the pick goes where the person was typing.
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => setOpen((o) => !o)}
        title="Insert a field of the event or of an earlier step"
        className={`flex items-center gap-1 rounded-md border border-indigo-200 bg-indigo-50 text-[11.5px] font-medium text-indigo-700 hover:bg-indigo-100 ${props.compact ? 'px-1 py-0' : 'px-1.5 py-0.5'}`}
      >
        <span aria-hidden className="font-mono text-[11px]">
          {'{ }'}
        </span>
        {!props.compact && 'Insert field'}
      </button>
      {open && (
        <div ref={box} className={`absolute top-6 right-0 z-30 ${props.compact ? 'w-[300px]' : 'left-0'}`}>
          <PickerList
            sources={props.sources}
            onPick={(path) => {
              setOpen(false)
              props.onPick(path)
            }}
            onClose={() => setOpen(false)}
          />
        </div>
      )}
    </>
  )
}

/** The searchable list of fields, grouped by source; used by the button and the condition builder. */
export function PickerList(props: {
  sources: DataSource[]
  onPick: (path: string) => void
  onClose: () => void
}) {
  const [query, setQuery] = useState('')
  const shown = filterSources(props.sources, query)
  return (
    <div
      data-testid="data-picker"
      className="rounded-lg border border-slate-200 bg-white shadow-lg ring-1 ring-slate-900/5"
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onClose()
      }}
    >
      <div className="border-b border-slate-100 p-2">
        <input
          // biome-ignore lint/a11y/noAutofocus: the list opens to be searched
          autoFocus
          type="search"
          value={query}
          placeholder="Search fields"
          aria-label="Search fields"
          onChange={(e) => setQuery(e.target.value)}
          className="h-7 w-full rounded-md border border-slate-300 px-2 text-[12.5px] outline-none focus:border-indigo-500"
        />
      </div>
      <div className="max-h-[300px] overflow-y-auto py-1">
        {shown.length === 0 && (
          <p className="px-3 py-3 text-[12px] text-slate-400">
            {props.sources.length === 0 ? 'No data reaches this step yet.' : 'No field matches.'}
          </p>
        )}
        {shown.map((source) => (
          <section key={source.root} data-testid="data-picker-group" data-root={source.root}>
            <h4 className="sticky top-0 flex items-baseline justify-between gap-2 bg-slate-50 px-3 py-1 text-[11.5px] font-semibold text-slate-700">
              <span className="truncate">{source.title}</span>
              <span className="shrink-0 font-normal text-slate-400">{ORIGIN_NOTE[source.origin]}</span>
            </h4>
            <ul>
              {source.paths.map((p) => (
                <PickerItem key={p.path} item={p} onPick={props.onPick} />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  )
}

function PickerItem({ item, onPick }: { item: DataPath; onPick: (path: string) => void }) {
  const depth = item.name.split('.').length - 1
  return (
    <li>
      <button
        type="button"
        data-testid="data-picker-item"
        data-path={item.path}
        title={item.path}
        onClick={() => onPick(item.path)}
        style={{ paddingLeft: 12 + depth * 12 }}
        className="flex w-full items-baseline justify-between gap-3 py-1 pr-3 text-left hover:bg-indigo-50"
      >
        <span className="truncate text-[12.5px] text-slate-800">{item.name.split('.').pop()}</span>
        <span className="max-w-[45%] shrink-0 truncate font-mono text-[11px] text-slate-400">
          {item.sample}
        </span>
      </button>
    </li>
  )
}
