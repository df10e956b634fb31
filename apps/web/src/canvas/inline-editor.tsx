import { useEffect, useRef, useState } from 'react'

/** A text field for in-place label edits: Enter commits, Escape cancels, blur commits. */
export function InlineEditor(props: {
  value: string
  onCommit: (value: string) => void
  onCancel: () => void
  multiline?: boolean
  className?: string
  ariaLabel: string
  validate?: (value: string) => string | null
  placeholder?: string
}) {
  const [value, setValue] = useState(props.value)
  const ref = useRef<HTMLTextAreaElement & HTMLInputElement>(null)
  const done = useRef(false)
  useEffect(() => {
    ref.current?.focus()
    ref.current?.select()
  }, [])
  const error = props.validate?.(value) ?? null
  const finish = (commit: boolean) => {
    if (done.current) return
    done.current = true
    if (commit) props.onCommit(value)
    else props.onCancel()
  }
  const common = {
    ref,
    value,
    'aria-label': props.ariaLabel,
    'aria-invalid': error ? true : undefined,
    placeholder: props.placeholder,
    className: `nodrag nopan nowheel ${props.className ?? ''} ${error ? 'ring-2 ring-red-400' : ''}`,
    onChange: (e: React.ChangeEvent<HTMLTextAreaElement | HTMLInputElement>) => setValue(e.target.value),
    onBlur: () => finish(true),
    onKeyDown: (e: React.KeyboardEvent) => {
      e.stopPropagation()
      if (e.key === 'Escape') finish(false)
      else if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault()
        finish(true)
      }
    },
  }
  return (
    <>
      {props.multiline ? <textarea rows={2} {...common} /> : <input type="text" {...common} />}
      {error && (
        <div
          role="alert"
          className="absolute top-full left-1/2 z-10 mt-1 w-max max-w-64 -translate-x-1/2 rounded-md bg-red-600 px-2 py-1 text-[11.5px] text-white shadow"
        >
          {error}
        </div>
      )}
    </>
  )
}
