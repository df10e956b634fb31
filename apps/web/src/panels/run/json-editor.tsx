import { useDeferredValue, useMemo } from 'react'
import { jsonError } from '../../store/run-setup'

/**
 * JSON typed by hand (a Segment event, a mock) with its parse error under it as you type.
 * A plain textarea: fast on large payloads, and the text view's CodeMirror bundle stays lazy.
 */
export function JsonEditor(props: {
  id: string
  value: string
  onChange: (text: string) => void
  label: string
  testId?: string
  rows?: number
  /** A problem beyond syntax (e.g. "must be an object"), shown when the JSON itself parses. */
  problem?: string | null
  disabled?: boolean
}) {
  // Parsing a large payload on every keystroke would lag typing: check the settled text.
  const settled = useDeferredValue(props.value)
  const syntax = useMemo(() => jsonError(settled), [settled])
  const error = syntax ?? props.problem ?? null
  return (
    <div>
      <textarea
        id={props.id}
        aria-label={props.label}
        data-testid={props.testId}
        value={props.value}
        disabled={props.disabled}
        spellCheck={false}
        rows={props.rows ?? 10}
        aria-invalid={error ? true : undefined}
        onChange={(e) => props.onChange(e.target.value)}
        onKeyDown={(e) => {
          // Tab indents instead of leaving the field; Escape still does.
          if (e.key !== 'Tab' || e.shiftKey) return
          e.preventDefault()
          const t = e.currentTarget
          const { selectionStart: a, selectionEnd: b } = t
          props.onChange(`${t.value.slice(0, a)}  ${t.value.slice(b)}`)
          requestAnimationFrame(() => t.setSelectionRange(a + 2, a + 2))
        }}
        className={`block w-full resize-y rounded-md border bg-white px-2 py-1.5 font-mono text-[11.5px] leading-[1.5] text-slate-800 outline-none focus:ring-2 ${
          error
            ? 'border-red-400 focus:border-red-500 focus:ring-red-100'
            : 'border-slate-300 focus:border-indigo-500 focus:ring-indigo-100'
        }`}
      />
      {error && (
        <p
          role="alert"
          className="mt-1 text-[11.5px] leading-snug text-red-600"
          data-testid={`${props.testId}-error`}
        >
          {error}
        </p>
      )}
    </div>
  )
}
