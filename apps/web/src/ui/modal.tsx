import { type ReactNode, useEffect, useRef } from 'react'

/** A centred dialog with a dimmed backdrop; Escape closes it. */
export function Modal(props: {
  title: string
  onClose: () => void
  children: ReactNode
  footer?: ReactNode
  testId?: string
  width?: string
}) {
  const ref = useRef<HTMLDivElement>(null)
  const { onClose } = props
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null
    const first = ref.current?.querySelector<HTMLElement>('[data-autofocus]') ?? ref.current
    first?.focus()
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation()
        onClose()
      }
    }
    window.addEventListener('keydown', onKey, true)
    return () => {
      window.removeEventListener('keydown', onKey, true)
      previous?.focus?.()
    }
  }, [onClose])
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/30 p-4 backdrop-blur-[1px]">
      <div
        ref={ref}
        role="dialog"
        tabIndex={-1}
        aria-modal="true"
        aria-label={props.title}
        data-testid={props.testId}
        className={`flex max-h-[85vh] w-full flex-col rounded-xl outline-none border border-slate-200 bg-white shadow-2xl ${props.width ?? 'max-w-md'}`}
      >
        <div className="flex items-center justify-between border-b border-slate-100 px-5 py-3.5">
          <h2 className="text-[15px] font-semibold text-slate-900">{props.title}</h2>
          <button
            type="button"
            aria-label="Close"
            onClick={props.onClose}
            className="rounded-md px-1.5 text-lg leading-none text-slate-400 hover:bg-slate-100 hover:text-slate-700"
          >
            ×
          </button>
        </div>
        <div className="overflow-auto px-5 py-4 text-[13px] text-slate-700">{props.children}</div>
        {props.footer && (
          <div className="flex justify-end gap-2 rounded-b-xl border-t border-slate-100 bg-slate-50 px-5 py-3">
            {props.footer}
          </div>
        )}
      </div>
    </div>
  )
}
