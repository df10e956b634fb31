import { useState } from 'react'
import {
  DURATION_UNITS,
  type DurationUnit,
  describeDuration,
  formatDuration,
  parseDurationParts,
} from '../lib/duration'
import { FieldRow, inputClass, useDraft } from './fields'

/**
 * A duration as a number and a unit (seconds … days), written in the form the wait step reads
 * ("3d"). A stored value the two boxes cannot show exactly (P1DT12H30M, milliseconds with a
 * remainder) stays editable as text.
 */
export function DurationField(props: {
  id: string
  label: string
  value: unknown
  optional: boolean
  onChange: (value: string | undefined) => void
  hint?: string
  disabled?: boolean
  testId: string
  error?: string | null
}) {
  const parts = props.value === undefined || props.value === '' ? null : parseDurationParts(props.value)
  const custom = props.value !== undefined && props.value !== '' && parts === null
  const [unit, setUnit] = useState<DurationUnit>(parts?.unit ?? 'h')
  // Follows the stored value (undo, another field) except while being typed in.
  const { draft: amount, setDraft: setAmount, bind } = useDraft(parts ? String(parts.amount) : '')
  const shownUnit = parts?.unit ?? unit
  const number = Number(amount)
  const valid = amount.trim() === '' || (Number.isFinite(number) && number >= 0)

  const write = (nextAmount: string, nextUnit: DurationUnit) => {
    const n = Number(nextAmount)
    if (nextAmount.trim() === '')
      props.onChange(props.optional ? undefined : formatDuration({ amount: 0, unit: nextUnit }))
    else if (Number.isFinite(n) && n >= 0) props.onChange(formatDuration({ amount: n, unit: nextUnit }))
  }
  if (custom) {
    return (
      <FieldRow label={props.label} hint={props.hint} error={props.error}>
        <div className="flex items-center gap-2">
          <code className="min-w-0 flex-1 truncate rounded bg-slate-50 px-2 py-1 text-[12px]">
            {String(props.value)}
          </code>
          {!props.disabled && (
            <button
              type="button"
              className="shrink-0 text-[12px] text-indigo-600 hover:underline"
              onClick={() => props.onChange(formatDuration({ amount: 1, unit: 'h' }))}
            >
              Use number + unit
            </button>
          )}
        </div>
      </FieldRow>
    )
  }
  const summary = parts ? describeDuration(parts) : props.optional ? 'No limit' : null
  return (
    <FieldRow
      label={props.label}
      htmlFor={props.id}
      hint={props.hint}
      error={valid ? props.error : 'Enter a number of 0 or more'}
    >
      <div className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)] gap-1.5" data-testid={props.testId}>
        <input
          id={props.id}
          type="number"
          min={0}
          step="any"
          inputMode="decimal"
          placeholder={props.optional ? 'none' : '0'}
          value={amount}
          disabled={props.disabled}
          aria-invalid={valid ? undefined : true}
          data-testid={`${props.testId}-amount`}
          onChange={(e) => setAmount(e.target.value)}
          {...bind}
          onBlur={() => write(amount, shownUnit)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') write(amount, shownUnit)
          }}
          className={`${inputClass} ${valid ? '' : 'border-red-400'}`}
        />
        <select
          aria-label={`${props.label} unit`}
          value={shownUnit}
          disabled={props.disabled}
          data-testid={`${props.testId}-unit`}
          onChange={(e) => {
            const next = e.target.value as DurationUnit
            setUnit(next)
            if (amount.trim() !== '') write(amount, next)
          }}
          className={`${inputClass} h-[30px] py-0`}
        >
          {DURATION_UNITS.map((u) => (
            <option key={u.value} value={u.value}>
              {u.label}
            </option>
          ))}
        </select>
      </div>
      {summary && (
        <p className="mt-1 text-[11.5px] text-slate-500" data-testid={`${props.testId}-summary`}>
          {summary}
        </p>
      )}
    </FieldRow>
  )
}
