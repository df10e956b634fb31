import { useEffect, useRef, useState } from 'react'

/** Local text while the field has focus; the committed value otherwise (so undo shows through). */
export function useDraft(value: string) {
  const [draft, setDraft] = useState(value)
  const focused = useRef(false)
  useEffect(() => {
    if (!focused.current) setDraft(value)
  }, [value])
  return {
    draft,
    setDraft,
    bind: {
      onFocus: () => {
        focused.current = true
      },
      onBlurCapture: () => {
        focused.current = false
      },
    },
  }
}

export const inputClass =
  'w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-[13px] text-slate-800 outline-none placeholder:text-slate-400 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100 disabled:bg-slate-50 disabled:text-slate-500'

export function FieldRow(props: {
  label: string
  htmlFor?: string
  hint?: string
  error?: string | null
  /** Beside the label, right-aligned: e.g. the data picker's button. */
  aside?: React.ReactNode
  children: React.ReactNode
}) {
  return (
    <div className="relative mb-3">
      <div className="mb-1 flex items-center justify-between gap-2">
        <label htmlFor={props.htmlFor} className="block text-[12px] font-medium text-slate-600">
          {props.label}
        </label>
        {props.aside}
      </div>
      {props.children}
      {props.error ? (
        <p role="alert" className="mt-1 text-[11.5px] leading-snug text-red-600" data-testid="field-error">
          {props.error}
        </p>
      ) : (
        props.hint && <p className="mt-1 text-[11.5px] leading-snug text-slate-400">{props.hint}</p>
      )}
    </div>
  )
}

/**
 * A text input that commits on blur or Enter, with optional live validation (expression
 * syntax, branch conditions) shown as you type.
 */
export function TextField(props: {
  id: string
  label: string
  value: string
  onCommit: (value: string) => void
  validate?: (value: string) => string | null
  hint?: string
  multiline?: boolean
  mono?: boolean
  secret?: boolean
  placeholder?: string
  disabled?: boolean
  testId?: string
  error?: string | null
}) {
  const { draft, setDraft, bind } = useDraft(props.value)
  const liveError = props.validate?.(draft) ?? null
  const commit = () => {
    if (draft !== props.value) props.onCommit(draft)
  }
  const common = {
    id: props.id,
    value: draft,
    placeholder: props.placeholder,
    disabled: props.disabled,
    'aria-invalid': liveError ? true : undefined,
    'data-testid': props.testId,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setDraft(e.target.value),
    onBlur: commit,
    ...bind,
    className: `${inputClass} ${props.mono ? 'font-mono text-[12.5px]' : ''} ${liveError ? 'border-red-400 focus:border-red-500 focus:ring-red-100' : ''}`,
  }
  return (
    <FieldRow label={props.label} htmlFor={props.id} hint={props.hint} error={liveError ?? props.error}>
      {props.multiline ? (
        <textarea rows={3} spellCheck={false} {...common} />
      ) : (
        <input
          type={props.secret ? 'password' : 'text'}
          autoComplete="off"
          spellCheck={false}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit()
          }}
          {...common}
        />
      )}
    </FieldRow>
  )
}

export function SelectField(props: {
  id: string
  label: string
  value: string
  options: { value: string; label: string }[]
  onChange: (value: string) => void
  hint?: string
  disabled?: boolean
  testId?: string
}) {
  return (
    <FieldRow label={props.label} htmlFor={props.id} hint={props.hint}>
      <select
        id={props.id}
        value={props.value}
        disabled={props.disabled}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value)}
        className={`${inputClass} h-[30px] py-0`}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldRow>
  )
}

export function SectionTitle({ children }: { children: React.ReactNode }) {
  return (
    <h3 className="mt-1 mb-2.5 text-[11.5px] font-semibold tracking-wide text-slate-500 uppercase">
      {children}
    </h3>
  )
}
