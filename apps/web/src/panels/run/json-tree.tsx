import { memo, useState } from 'react'

/**
 * A JSON viewer for step inputs and outputs that may be megabytes: containers render their
 * children only when opened, a page at a time, and long strings are cut. Nothing here
 * stringifies a whole value into the DOM (copying goes to the clipboard, not the page).
 */
const PAGE = 100
const STRING_PREVIEW = 160
const STRING_STEP = 10_000
/** Containers this small open by themselves down to `openDepth`, so a request body reads at a glance. */
const AUTO_OPEN_CHILDREN = 24

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

/** The server keeps trace events small: a field over its limit is stored as this marker. */
export function truncatedSize(v: unknown): number | null {
  if (!v || typeof v !== 'object' || (v as { $truncated?: unknown }).$truncated !== true) return null
  const chars = (v as { chars?: unknown }).chars
  return typeof chars === 'number' ? chars : 0
}

const megabytes = (chars: number) =>
  chars >= 1_000_000 ? `${(chars / 1_000_000).toFixed(1)} MB` : `${Math.round(chars / 1000)} kB`

export function JsonTree({
  value,
  openDepth = 2,
  testId,
  label,
}: {
  value: unknown
  openDepth?: number
  testId?: string
  label?: string
}) {
  return (
    <div
      data-testid={testId}
      className="overflow-x-auto rounded-md border border-slate-200 bg-slate-50/60 px-2 py-1.5 font-mono text-[11.5px] leading-[1.55]"
    >
      {value === undefined ? (
        <span className="text-slate-400 italic">nothing</span>
      ) : (
        <Entry name={label} value={value as Json} depth={0} openDepth={openDepth} />
      )}
    </div>
  )
}

function childCount(v: Json): number {
  if (Array.isArray(v)) return v.length
  // Counting keys is linear; fine for the summary of one container the user is looking at.
  return v && typeof v === 'object' ? Object.keys(v).length : 0
}

const Entry = memo(function Entry(props: { name?: string; value: Json; depth: number; openDepth: number }) {
  const { name, value, depth, openDepth } = props
  const dropped = truncatedSize(value)
  const isContainer = value !== null && typeof value === 'object' && dropped === null
  const count = isContainer ? childCount(value) : 0
  const [open, setOpen] = useState(isContainer && depth < openDepth && count <= AUTO_OPEN_CHILDREN)
  const key =
    name !== undefined ? (
      <span className="text-indigo-700">
        {name}
        <span className="text-slate-400">: </span>
      </span>
    ) : null
  if (dropped !== null) {
    return (
      <div className="pl-3.5 font-sans text-slate-500 italic">
        {key}
        too large to keep in the trace ({megabytes(dropped)})
      </div>
    )
  }
  if (!isContainer) {
    return (
      <div className="pl-3.5 whitespace-pre-wrap break-all">
        {key}
        <Primitive value={value} />
      </div>
    )
  }
  const array = Array.isArray(value)
  const [l, r] = array ? ['[', ']'] : ['{', '}']
  return (
    <div>
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        className="group flex items-baseline gap-1 text-left hover:bg-slate-100"
        aria-expanded={open}
      >
        <span className="inline-block w-2.5 text-[9px] text-slate-400 group-hover:text-slate-600">
          {open ? '▾' : '▸'}
        </span>
        <span>
          {key}
          <span className="text-slate-500">
            {l}
            {!open && (
              <span className="text-slate-400">
                {count === 0
                  ? ''
                  : ` ${count} ${array ? (count === 1 ? 'item' : 'items') : count === 1 ? 'key' : 'keys'} `}
              </span>
            )}
            {!open && r}
          </span>
        </span>
      </button>
      {open && (
        <div className="ml-[5px] border-l border-slate-200 pl-1.5">
          <Children value={value} depth={depth} openDepth={openDepth} />
        </div>
      )}
      {open && <div className="pl-3.5 text-slate-500">{r}</div>}
    </div>
  )
})

function Children({
  value,
  depth,
  openDepth,
}: {
  value: Json[] | { [k: string]: Json }
  depth: number
  openDepth: number
}) {
  const [shown, setShown] = useState(PAGE)
  const array = Array.isArray(value)
  const keys = array ? null : Object.keys(value)
  const total = array ? value.length : keys!.length
  const rows = []
  for (let i = 0; i < Math.min(shown, total); i++) {
    const name = array ? String(i) : keys![i]
    const child = array ? value[i] : (value as Record<string, Json>)[name]
    rows.push(<Entry key={name} name={name} value={child} depth={depth + 1} openDepth={openDepth} />)
  }
  return (
    <>
      {rows}
      {total > shown && (
        <button
          type="button"
          onClick={() => setShown((s) => s + PAGE * 5)}
          className="pl-3.5 text-indigo-600 hover:underline"
        >
          show {Math.min(PAGE * 5, total - shown)} more of {total - shown} left…
        </button>
      )}
    </>
  )
}

function Primitive({ value }: { value: Json }) {
  const [limit, setLimit] = useState(STRING_PREVIEW)
  if (value === null) return <span className="text-slate-400">null</span>
  if (typeof value === 'number') return <span className="text-sky-700">{String(value)}</span>
  if (typeof value === 'boolean') return <span className="text-violet-700">{String(value)}</span>
  const s = value as string
  if (s.length <= limit) return <span className="text-emerald-800">"{s}"</span>
  return (
    <span className="text-emerald-800">
      "{s.slice(0, limit)}
      <button
        type="button"
        onClick={() => setLimit((n) => n + STRING_STEP)}
        className="mx-0.5 rounded bg-slate-200 px-1 font-sans text-[10.5px] text-slate-600 hover:bg-slate-300"
        title="Show more of this text"
      >
        … {(s.length - limit).toLocaleString()} more chars
      </button>
      "
    </span>
  )
}
