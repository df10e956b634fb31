import { create } from 'zustand'

interface Toast {
  id: number
  message: string
  tone: 'info' | 'success' | 'warning' | 'error'
}

const useToasts = create<{ toasts: Toast[] }>(() => ({ toasts: [] }))
let nextId = 1

/** Shows a short message at the bottom of the screen. Errors stay until dismissed. */
export function toast(message: string, tone: Toast['tone'] = 'info') {
  const id = nextId++
  useToasts.setState((s) => ({ toasts: [...s.toasts.slice(-3), { id, message, tone }] }))
  // Errors stay until dismissed; warnings stay long enough to be read.
  if (tone !== 'error') setTimeout(() => dismiss(id), tone === 'warning' ? 8000 : 4000)
}

function dismiss(id: number) {
  useToasts.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }))
}

const TONE = {
  info: 'bg-slate-900 text-white',
  success: 'bg-emerald-700 text-white',
  warning: 'bg-amber-100 text-amber-950 ring-1 ring-amber-300',
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
          data-tone={t.tone}
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
