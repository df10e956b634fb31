import { type ReactFlowInstance, useReactFlow } from '@xyflow/react'
import { useEffect, useRef, useState } from 'react'
import { createPortal } from 'react-dom'
import { addStepAfter } from '../commands/add-node'
import { CATEGORY_ORDER, CATEGORY_TITLE, specList } from '../lib/specs'
import { useEditor, useEditorStoreApi } from '../store/context'
import { Icon } from '../ui/icons'

/**
 * The "+" on a selected step's output (right) handle: opens the step palette; the chosen step
 * is added to the right and connected from this handle.
 */
export function AddStepButton({ nodeId }: { nodeId: string }) {
  const readOnly = useEditor((s) => s.readOnly)
  const store = useEditorStoreApi()
  const flow = useReactFlow()
  const [menuAt, setMenuAt] = useState<{ left: number; top: number } | null>(null)
  const button = useRef<HTMLButtonElement>(null)
  if (readOnly) return null
  return (
    <>
      <button
        ref={button}
        type="button"
        aria-label="Add a step after this one"
        title="Add a step after this one"
        data-testid={`add-step-after-${nodeId}`}
        onClick={(e) => {
          e.stopPropagation()
          const r = e.currentTarget.getBoundingClientRect()
          setMenuAt((open) => (open ? null : { left: r.right + 8, top: r.top - 8 }))
        }}
        className="nodrag nopan absolute top-1/2 -right-7 z-10 flex h-5 w-5 -translate-y-1/2 items-center justify-center rounded-full border border-indigo-300 bg-white text-[14px] leading-none font-semibold text-indigo-600 shadow-sm hover:bg-indigo-600 hover:text-white"
      >
        +
      </button>
      {menuAt &&
        createPortal(
          <StepMenu
            at={menuAt}
            anchor={button}
            onClose={() => setMenuAt(null)}
            onChoose={(type) => {
              setMenuAt(null)
              const added = addStepAfter(store, nodeId, type)
              if (added) requestAnimationFrame(() => panIntoView(flow, added))
            }}
          />,
          document.body,
        )}
    </>
  )
}

/** Pans (keeping the zoom) when the added step landed outside the visible canvas. */
function panIntoView(flow: ReactFlowInstance, id: string) {
  const node = flow.getInternalNode(id)
  const pane = document.querySelector('.react-flow')?.getBoundingClientRect()
  if (!node || !pane) return
  const { x, y } = node.internals.positionAbsolute
  const w = node.measured.width ?? node.width ?? 0
  const h = node.measured.height ?? node.height ?? 0
  const topLeft = flow.flowToScreenPosition({ x, y })
  const bottomRight = flow.flowToScreenPosition({ x: x + w, y: y + h })
  const inside =
    topLeft.x >= pane.left &&
    topLeft.y >= pane.top &&
    bottomRight.x <= pane.right &&
    bottomRight.y <= pane.bottom
  if (!inside) void flow.setCenter(x + w / 2, y + h / 2, { zoom: flow.getZoom(), duration: 200 })
}

function StepMenu(props: {
  at: { left: number; top: number }
  anchor: React.RefObject<HTMLButtonElement | null>
  onChoose: (type: string) => void
  onClose: () => void
}) {
  const [query, setQuery] = useState('')
  const box = useRef<HTMLDivElement>(null)
  const { onClose } = props
  useEffect(() => {
    const close = (e: MouseEvent) => {
      const t = e.target as Node
      if (!box.current?.contains(t) && !props.anchor.current?.contains(t)) onClose()
    }
    document.addEventListener('mousedown', close)
    return () => document.removeEventListener('mousedown', close)
  }, [onClose, props.anchor])
  const q = query.trim().toLowerCase()
  const specs = specList.filter(
    (s) => !s.trigger && (!q || s.title.toLowerCase().includes(q) || s.description.toLowerCase().includes(q)),
  )
  const top = Math.min(props.at.top, window.innerHeight - 380)
  return (
    <div
      ref={box}
      role="dialog"
      aria-label="Add a step"
      data-testid="add-step-menu"
      style={{ left: Math.min(props.at.left, window.innerWidth - 250), top: Math.max(8, top) }}
      className="fixed z-50 w-[240px] rounded-lg border border-slate-200 bg-white shadow-xl"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose()
      }}
    >
      <div className="border-b border-slate-100 p-2">
        <input
          // biome-ignore lint/a11y/noAutofocus: the menu opens to be searched
          autoFocus
          type="search"
          placeholder="Find a step"
          aria-label="Find a step"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className="h-7 w-full rounded-md border border-slate-300 px-2 text-[12.5px] outline-none focus:border-indigo-500"
        />
      </div>
      <div className="max-h-[320px] overflow-y-auto py-1">
        {CATEGORY_ORDER.map((cat) => {
          const items = specs.filter((s) => s.category === cat)
          if (items.length === 0) return null
          return (
            <section key={cat}>
              <h3 className="px-3 pt-1.5 pb-0.5 text-[10.5px] font-semibold tracking-wide text-slate-400 uppercase">
                {CATEGORY_TITLE[cat]}
              </h3>
              {items.map((s) => (
                <button
                  key={s.id}
                  type="button"
                  data-testid={`add-step-${s.id}`}
                  title={s.description}
                  onClick={() => props.onChoose(s.id)}
                  className="flex w-full items-center gap-2 px-3 py-1 text-left text-[12.5px] text-slate-700 hover:bg-indigo-50"
                >
                  <Icon name={{ path: s.icon }} size={13} />
                  <span className="truncate">{s.title}</span>
                </button>
              ))}
            </section>
          )
        })}
      </div>
    </div>
  )
}
