import { create } from 'zustand'

interface Toast {
  id: number
  message: string
  tone: 'info' | 'success' | 'error'
}

const useToasts = create<{ toasts: Toast[] }>(() => ({ toasts: [] }))
let nextId = 1

/** Shows a short message at the bottom of the screen. Errors stay until dismissed. */
export function toast(message: string, tone: Toast['tone'] = 'info') {
  const id = nextId++
  useToasts.setState((s) => ({ toasts: [...s.toasts.slice(-3), { id, message, tone }] }))
  if (tone !== 'error') setTimeout(() => dismiss(id), 4000)
}

function dismiss(id: number) {
  useToasts.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }))
}

const TONE = {
  info: 'bg-slate-900 text-white',
  success: 'bg-emerald-700 text-white',
  error: 'bg-red-700 text-white',
}

export function Toasts() {
  const toasts = useToasts((s) => s.toasts)
  return (
    <div className="pointer-events-none fixed bottom-5 left-1/2 z-[60] flex -translate-x-1/2 flex-col items-center gap-2">
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.tone === 'error' ? 'alert' : 'status'}
          data-testid="toast"
          className={`pointer-events-auto flex max-w-xl items-start gap-3 rounded-lg px-3.5 py-2 text-[13px] shadow-lg ${TONE[t.tone]}`}
        >
          <span className="whitespace-pre-line">{t.message}</span>
          <button
            type="button"
            aria-label="Dismiss"
            className="opacity-70 hover:opacity-100"
            onClick={() => dismiss(t.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
