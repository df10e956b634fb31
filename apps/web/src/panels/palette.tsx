import { useReactFlow } from '@xyflow/react'
import { useState } from 'react'
import { PALETTE_MIME } from '../canvas/canvas'
import { addNodeOfType, addStepAfter, GROUP_ITEM } from '../commands/add-node'
import { CATEGORY_ORDER, CATEGORY_TITLE, specList } from '../lib/specs'
import { useEditorStoreApi } from '../store/context'
import { Icon, type IconSource } from '../ui/icons'

/** Node types from the engine registry, by category: drag onto the canvas or click to add. */
export function Palette() {
  const store = useEditorStoreApi()
  const flow = useReactFlow()
  const [filter, setFilter] = useState('')
  const q = filter.trim().toLowerCase()
  const specs = specList.filter(
    (s) => !q || s.title.toLowerCase().includes(q) || s.description.toLowerCase().includes(q),
  )

  /** A click with one step selected adds the new step after it, connected; otherwise mid-view. */
  const add = (type: string) => {
    const s = store.getState()
    const [only] = s.selection.nodes
    const isStep = s.selection.nodes.length === 1 && s.graph.nodes.some((n) => n.id === only)
    if (type !== GROUP_ITEM && isStep && addStepAfter(store, only, type)) return
    addAtCentre(type)
  }

  const addAtCentre = (type: string) => {
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect()
    const centre = pane
      ? flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 })
      : { x: 0, y: 0 }
    // Stagger repeated clicks so nodes do not stack exactly.
    const n = store.getState().graph.nodes.length % 5
    addNodeOfType(store, type, { x: centre.x + n * 24, y: centre.y + n * 24 })
  }

  const item = (type: string, icon: IconSource, title: string, description: string) => (
    <li key={type}>
      <button
        type="button"
        draggable
        data-testid={`palette-item-${type === GROUP_ITEM ? 'group' : type}`}
        title={`${description}\nDrag onto the canvas, or click to add (after the selected step).`}
        aria-label={`Add ${title}`}
        onDragStart={(e) => {
          e.dataTransfer.setData(PALETTE_MIME, type)
          e.dataTransfer.effectAllowed = 'copy'
        }}
        onClick={() => add(type)}
        className="flex w-full cursor-grab items-center gap-2.5 rounded-md px-2 py-1.5 text-left text-[13px] text-slate-700 hover:bg-slate-100 active:cursor-grabbing"
      >
        <span className="flex h-6 w-6 shrink-0 items-center justify-center rounded-md border border-slate-200 bg-white text-slate-600 shadow-xs">
          <Icon name={icon} size={13} />
        </span>
        <span className="truncate">{title}</span>
      </button>
    </li>
  )

  return (
    <aside aria-label="Node palette" className="flex h-full flex-col" data-testid="palette">
      <div className="px-3 pt-3 pb-2">
        <input
          type="search"
          placeholder="Find a step"
          aria-label="Filter node types"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          className="h-7 w-full rounded-md border border-slate-300 bg-white px-2 text-[12.5px] outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100"
        />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-1.5 pb-3">
        {CATEGORY_ORDER.map((cat) => {
          const items = specs.filter((s) => s.category === cat)
          if (items.length === 0) return null
          return (
            <section key={cat} className="mb-2">
              <h3 className="px-2 pt-2 pb-1 text-[11px] font-semibold tracking-wide text-slate-400 uppercase">
                {CATEGORY_TITLE[cat]}
              </h3>
              <ul>{items.map((s) => item(s.id, { path: s.icon }, s.title, s.description))}</ul>
            </section>
          )
        })}
        {(!q || 'group'.includes(q)) && (
          <section className="mb-2">
            <h3 className="px-2 pt-2 pb-1 text-[11px] font-semibold tracking-wide text-slate-400 uppercase">
              Layout
            </h3>
            <ul>
              {item(GROUP_ITEM, 'group', 'Group', 'A titled box to organise steps; drag nodes in and out.')}
            </ul>
          </section>
        )}
      </div>
    </aside>
  )
}
