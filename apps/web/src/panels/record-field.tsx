import { useState } from 'react'
import { insertToken } from '../lib/insert-token'
import { DataPickerButton } from './data-picker'
import { inputClass } from './fields'
import { useDataSources } from './use-data-sources'

/**
 * name → value pairs (Transform variables, Braze attributes, HTTP headers) as a two-column
 * table whose values wrap, so a long expression is readable while editing and when read-only.
 */
export function RecordField(props: {
  value: Record<string, string>
  /** Values are JSONata, `{{ }}` templates, or plain text. */
  kind: 'expression' | 'template' | 'plain'
  validate?: (v: string) => string | null
  onChange: (v: Record<string, string>) => void
  disabled?: boolean
  testId: string
}) {
  const entries = Object.entries(props.value)
  if (props.disabled) return <RecordView entries={entries} testId={props.testId} />
  const update = (index: number, key: string, value: string) => {
    const next: Record<string, string> = {}
    entries.forEach(([k, v], i) => {
      if (i === index) next[key] = value
      else next[k] = v
    })
    props.onChange(next)
  }
  const remove = (index: number) => props.onChange(Object.fromEntries(entries.filter((_, i) => i !== index)))
  const add = () => {
    let n = entries.length + 1
    while (`name${n}` in props.value) n++
    props.onChange({ ...props.value, [`name${n}`]: '' })
  }
  return (
    <div className="relative" data-testid={props.testId}>
      {entries.length > 0 && (
        <div className="mb-1 grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)_20px] gap-x-1.5 text-[11px] font-medium text-slate-400">
          <span>Name</span>
          <span>Value</span>
        </div>
      )}
      <div className="space-y-1.5">
        {entries.map(([k, v], i) => (
          <RecordRow
            key={k}
            name={k}
            value={v}
            kind={props.kind}
            validate={props.validate}
            onCommit={(name, value) => update(i, name, value)}
            onRemove={() => remove(i)}
          />
        ))}
      </div>
      <button
        type="button"
        onClick={add}
        data-testid={`${props.testId}-add`}
        className="mt-1.5 text-[12px] font-medium text-indigo-600 hover:text-indigo-700"
      >
        + Add entry
      </button>
    </div>
  )
}

function RecordView({ entries, testId }: { entries: [string, string][]; testId: string }) {
  if (entries.length === 0) return <p className="text-[12px] text-slate-400">None</p>
  return (
    <dl
      className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)] gap-x-2 gap-y-1 rounded-md bg-slate-50 px-2 py-1.5 text-[12px]"
      data-testid={testId}
    >
      {entries.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="font-medium break-words text-slate-600">{k}</dt>
          <dd className="font-mono break-all whitespace-pre-wrap text-slate-800">{v}</dd>
        </div>
      ))}
    </dl>
  )
}

function RecordRow(props: {
  name: string
  value: string
  kind: 'expression' | 'template' | 'plain'
  validate?: (v: string) => string | null
  onCommit: (name: string, value: string) => void
  onRemove: () => void
}) {
  const [name, setName] = useState(props.name)
  const [value, setValue] = useState(props.value)
  const sources = useDataSources()
  // A fresh entry is not an error yet: it is checked once something is written.
  const error = value.trim() === '' ? null : (props.validate?.(value) ?? null)
  const commit = (nextValue = value) => {
    if (name !== props.name || nextValue !== props.value) props.onCommit(name.trim() || props.name, nextValue)
  }
  const mono = props.kind !== 'plain'
  return (
    <div>
      <div className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)_20px] items-start gap-x-1.5">
        <input
          aria-label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => commit()}
          className={`${inputClass} text-[12.5px]`}
        />
        <div className="relative">
          <textarea
            aria-label={`Value of ${props.name}`}
            rows={1}
            value={value}
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            onChange={(e) => setValue(e.target.value)}
            onBlur={() => commit()}
            className={`${inputClass} field-sizing-content min-h-[28px] resize-none break-all ${sources && props.kind !== 'plain' ? 'pr-7' : ''} ${mono ? 'font-mono text-[12px]' : ''} ${error ? 'border-red-400' : ''}`}
          />
          {sources && props.kind !== 'plain' && (
            <div className="absolute top-1 right-1">
              <DataPickerButton
                compact
                sources={sources}
                fieldLabel={props.name}
                onPick={(path) => {
                  const next = insertToken(
                    value,
                    path,
                    props.kind === 'template' ? 'template' : 'expression',
                    null,
                  )
                  setValue(next.value)
                  commit(next.value)
                }}
              />
            </div>
          )}
        </div>
        <button
          type="button"
          aria-label={`Remove ${props.name}`}
          onClick={props.onRemove}
          className="h-7 text-slate-400 hover:text-red-600"
        >
          ×
        </button>
      </div>
      {error && <p className="mt-0.5 text-[11.5px] text-red-600">{error}</p>}
    </div>
  )
}
