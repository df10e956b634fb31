import { useRef, useState } from 'react'
import type { DataPath } from '../lib/data-paths'
import { insertToken, isBarePath, type TokenKind, typedPathBefore } from '../lib/insert-token'
import { DataPickerButton } from './data-picker'
import { FieldRow, inputClass, useDraft } from './fields'
import { describePath, useDataSources } from './use-data-sources'

type Selection = { start: number; end: number }

const MAX_SUGGESTIONS = 8

/**
 * A setting that reads run data: a JSONata expression or a `{{ }}` template. "Insert field"
 * puts a field of the event or an earlier step at the caret; typing a path offers the same
 * fields as completions (↑ ↓, Enter). A plain field reference is also spelt out in words.
 */
export function ExpressionField(props: {
  id: string
  label: string
  kind: TokenKind
  value: string
  onCommit: (value: string) => void
  validate?: (value: string) => string | null
  hint?: string
  multiline?: boolean
  disabled?: boolean
  testId?: string
  error?: string | null
}) {
  const { draft, setDraft, bind } = useDraft(props.value)
  const sources = useDataSources()
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null)
  // Null until the person places a caret: a pick then never lands in the middle of hand-written text.
  const selection = useRef<Selection | null>(null)
  const [caret, setCaret] = useState<number | null>(null)
  const [active, setActive] = useState(0)
  const liveError = props.validate?.(draft) ?? null

  const commit = (value = draft) => {
    if (value !== props.value) props.onCommit(value)
  }
  const place = (cursor: number) =>
    requestAnimationFrame(() => {
      field.current?.focus()
      field.current?.setSelectionRange(cursor, cursor)
      selection.current = { start: cursor, end: cursor }
    })
  const pick = (path: string) => {
    const next = insertToken(draft, path, props.kind, selection.current)
    setDraft(next.value)
    commit(next.value)
    setCaret(null)
    place(next.cursor)
  }

  const typed = caret !== null ? typedPathBefore(draft, caret, props.kind) : null
  const suggestions =
    typed && sources
      ? completions(
          sources.flatMap((s) => s.paths),
          typed.typed,
        )
      : []
  const accept = (item: DataPath) => {
    if (!typed || caret === null) return
    const value = draft.slice(0, typed.start) + item.path + draft.slice(caret)
    setDraft(value)
    setCaret(null)
    place(typed.start + item.path.length)
  }
  const track = (el: HTMLInputElement | HTMLTextAreaElement) => {
    selection.current = { start: el.selectionStart ?? 0, end: el.selectionEnd ?? 0 }
    setCaret(el.selectionStart === el.selectionEnd ? el.selectionStart : null)
  }
  const readable = isBarePath(draft) ? describePath(draft.trim(), sources) : null

  const common = {
    id: props.id,
    ref: field,
    value: draft,
    disabled: props.disabled,
    spellCheck: false,
    'aria-invalid': liveError ? true : undefined,
    'aria-autocomplete': 'list' as const,
    'data-testid': props.testId,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      setDraft(e.target.value)
      track(e.target)
      setActive(0)
    },
    onSelect: (e: React.SyntheticEvent<HTMLInputElement | HTMLTextAreaElement>) => track(e.currentTarget),
    onBlur: () => {
      setCaret(null)
      commit()
    },
    onKeyDown: (e: React.KeyboardEvent) => {
      if (suggestions.length > 0) {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          e.preventDefault()
          const step = e.key === 'ArrowDown' ? 1 : -1
          setActive((a) => (a + step + suggestions.length) % suggestions.length)
          return
        }
        if (e.key === 'Enter') {
          e.preventDefault()
          accept(suggestions[active] ?? suggestions[0])
          return
        }
        if (e.key === 'Escape') {
          setCaret(null)
          return
        }
      }
      if (e.key === 'Enter' && !props.multiline) commit()
    },
    ...bind,
    className: `${inputClass} font-mono text-[12.5px] ${liveError ? 'border-red-400 focus:border-red-500 focus:ring-red-100' : ''}`,
  }
  return (
    <FieldRow
      label={props.label}
      htmlFor={props.id}
      hint={props.hint}
      error={liveError ?? props.error}
      aside={
        sources && (
          <DataPickerButton
            sources={sources}
            onPick={pick}
            fieldLabel={props.label}
            disabled={props.disabled}
            testId={props.testId ? `${props.testId}-picker` : undefined}
          />
        )
      }
    >
      {props.multiline ? (
        // Grows with its text (up to a limit): a long expression reads whole, also read-only.
        <textarea
          rows={2}
          {...common}
          className={`${common.className} field-sizing-content max-h-[240px] min-h-[52px]`}
        />
      ) : (
        <input type="text" autoComplete="off" {...common} />
      )}
      {suggestions.length > 0 && (
        <div
          role="listbox"
          aria-label="Fields"
          data-testid="expression-suggestions"
          className="absolute right-0 left-0 z-20 mt-0.5 max-h-[220px] overflow-y-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          {suggestions.map((s, i) => (
            <div
              key={s.path}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault()
                accept(s)
              }}
              className={`flex cursor-pointer justify-between gap-2 px-2 py-0.5 font-mono text-[12px] ${i === active ? 'bg-indigo-50 text-indigo-800' : 'text-slate-700'}`}
            >
              <span className="truncate">{s.path}</span>
              <span className="shrink-0 text-slate-400">{s.sample}</span>
            </div>
          ))}
        </div>
      )}
      {readable && !liveError && (
        <p className="mt-1 truncate text-[11.5px] text-indigo-700" data-testid="expression-readable">
          Uses {readable}
        </p>
      )}
    </FieldRow>
  )
}

/** Paths that continue what was typed, or whose last name holds it: the closest first. */
function completions(paths: DataPath[], typed: string): DataPath[] {
  const t = typed.toLowerCase()
  const starts = paths.filter((p) => p.path.toLowerCase().startsWith(t) && p.path.length > typed.length)
  const mentions = paths.filter(
    (p) => !p.path.toLowerCase().startsWith(t) && t.length >= 2 && p.name.toLowerCase().includes(t),
  )
  return [...starts, ...mentions].slice(0, MAX_SUGGESTIONS)
}
