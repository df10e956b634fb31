import { type ReactNode, useEffect, useRef, useState } from 'react'

export interface MenuItem {
  id: string
  label: string
  onSelect: () => void
  danger?: boolean
  hint?: string
  disabled?: boolean
}

/**
 * A small dropdown: a trigger button and a list of actions. Closes on a click outside, on
 * Escape and after an action; arrow keys move between items.
 */
export function Menu(props: {
  label: string
  items: (MenuItem | 'divider')[]
  trigger: ReactNode
  testId?: string
  triggerClassName?: string
}) {
  const [open, setOpen] = useState(false)
  /** Near the bottom of the window the list opens upwards, so it is never cut off. */
  const [upwards, setUpwards] = useState(false)
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false)
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation()
        setOpen(false)
      }
    }
    window.addEventListener('mousedown', close)
    window.addEventListener('keydown', onKey, true)
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus()
    return () => {
      window.removeEventListener('mousedown', close)
      window.removeEventListener('keydown', onKey, true)
    }
  }, [open])
  const move = (e: React.KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    e.preventDefault()
    const items = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])]
    const at = items.indexOf(document.activeElement as HTMLElement)
    items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus()
  }
  return (
    <div className="relative" ref={ref} onKeyDown={move} onClick={(e) => e.stopPropagation()}>
      <button
        type="button"
        aria-label={props.label}
        title={props.label}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid={props.testId}
        onClick={(e) => {
          setUpwards(window.innerHeight - e.currentTarget.getBoundingClientRect().bottom < 280)
          setOpen((o) => !o)
        }}
        className={
          props.triggerClassName ??
          'inline-flex h-8 w-8 items-center justify-center rounded-md text-slate-500 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-500'
        }
      >
        {props.trigger}
      </button>
      {open && (
        <div
          role="menu"
          aria-label={props.label}
          className={`absolute right-0 z-30 w-56 rounded-lg border border-slate-200 bg-white py-1 text-left shadow-lg ${
            upwards ? 'bottom-full mb-1' : 'mt-1'
          }`}
        >
          {props.items.map((item, i) =>
            item === 'divider' ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: dividers have no identity
              <div key={`divider-${i}`} className="my-1 border-t border-slate-100" />
            ) : (
              <button
                key={item.id}
                type="button"
                role="menuitem"
                data-testid={`menu-${item.id}`}
                disabled={item.disabled}
                onClick={() => {
                  setOpen(false)
                  item.onSelect()
                }}
                className={`block w-full px-3 py-1.5 text-left text-[13px] outline-none hover:bg-slate-50 focus:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-50 disabled:hover:bg-transparent ${
                  item.danger ? 'text-red-700' : 'text-slate-700'
                }`}
              >
                {item.label}
                {item.hint && <span className="block text-[11.5px] text-slate-400">{item.hint}</span>}
              </button>
            ),
          )}
        </div>
      )}
    </div>
  )
}

/** Three dots, for "more actions" triggers. */
export function MoreGlyph() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden fill="currentColor">
      <circle cx="5" cy="12" r="1.8" />
      <circle cx="12" cy="12" r="1.8" />
      <circle cx="19" cy="12" r="1.8" />
    </svg>
  )
}
