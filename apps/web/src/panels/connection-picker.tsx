import { useId } from 'react'
import { type ConnectionType, useConnections } from '../api/connections'
import { errorMessage } from '../api/trpc'
import { connectionKinds } from '../lib/engine'
import { navigate } from '../lib/router'
import { FieldRow, inputClass } from './fields'

/**
 * The inspector's field for a step's `connectionId`: a select of the connections of the type
 * the step needs (spec.connection.type). Only the id lands in the workflow; the credentials
 * stay on the server. A reference to a connection that no longer exists stays visible, so
 * the author sees what broke instead of a silently blank field.
 */
export function ConnectionPicker(props: {
  type: ConnectionType
  value: string | undefined
  onChange: (id: string | undefined) => void
  /** Braze steps need one; an HTTP request may go without. */
  required?: boolean
  label?: string
  disabled?: boolean
  error?: string | null
  testId?: string
}) {
  const id = useId()
  const list = useConnections(props.type)
  const value = props.value ?? ''
  const options = list.data ?? []
  const missing = value !== '' && list.isSuccess && !options.some((c) => c.id === value)
  const title = connectionKinds[props.type].title
  const hint = list.isError
    ? `Could not load connections: ${errorMessage(list.error)}`
    : options.length === 0 && list.isSuccess
      ? `No ${title} connection yet: create one on the Connections page.`
      : props.required
        ? `Credentials come from the connection; test runs work without one.`
        : 'Optional: adds the connection’s base URL and credentials to the request.'
  return (
    <FieldRow
      label={props.label ?? `${title} connection`}
      htmlFor={id}
      hint={hint}
      error={props.error ?? (missing ? 'This connection no longer exists: choose another one.' : null)}
    >
      <div className="flex items-center gap-2">
        <select
          id={id}
          value={value}
          disabled={props.disabled || list.isPending}
          data-testid={props.testId ?? 'connection-picker'}
          aria-invalid={missing || undefined}
          onChange={(e) => props.onChange(e.target.value === '' ? undefined : e.target.value)}
          className={`${inputClass} h-[30px] py-0 ${missing ? 'border-red-400' : ''}`}
        >
          <option value="">{props.required ? `— Choose a ${title} connection —` : 'None'}</option>
          {missing && <option value={value}>Missing connection ({value})</option>}
          {options.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={() => navigate('/connections')}
          className="shrink-0 rounded-md px-1.5 py-1 text-[12px] text-indigo-600 hover:bg-indigo-50"
        >
          Manage
        </button>
      </div>
    </FieldRow>
  )
}
