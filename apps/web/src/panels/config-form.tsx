import { useId, useState } from 'react'
import { expressionError, type NodeSpec, needsConnection } from '../lib/engine'
import { templateError } from '../lib/expressions'
import { settingTitle } from '../lib/setting-title'
import { ConnectionPicker } from './connection-picker'
import { DurationField } from './duration-field'
import { ExpressionField } from './expression-field'
import { FieldRow, inputClass, SelectField, TextField } from './fields'
import { RecordField } from './record-field'

/** The subset of JSON Schema that `z.toJSONSchema` produces for node configs. */
interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  description?: string
  default?: unknown
  minimum?: number
  maximum?: number
}

const schemaCache = new Map<string, JsonSchema | null>()

/** What a generated form needs of a spec: node types, and connection kinds (their settings). */
export type FormSpec = Pick<
  NodeSpec,
  'id' | 'configSchema' | 'expressionFields' | 'templateFields' | 'secretFields' | 'connection'
> &
  Partial<Pick<NodeSpec, 'durationFields'>>

export function configJsonSchema(spec: FormSpec): JsonSchema | null {
  if (!schemaCache.has(spec.id)) {
    let schema: JsonSchema | null = null
    try {
      schema = spec.configSchema.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as JsonSchema
    } catch {
      schema = null
    }
    schemaCache.set(spec.id, schema)
  }
  return schemaCache.get(spec.id)!
}

type Kind = 'expression' | 'template' | 'secret' | 'duration' | 'plain'

function fieldKind(spec: FormSpec, name: string): Kind {
  if (spec.durationFields?.includes(name)) return 'duration'
  if (spec.expressionFields?.includes(name)) return 'expression'
  if (spec.templateFields?.includes(name)) return 'template'
  if (spec.secretFields?.includes(name)) return 'secret'
  return 'plain'
}

const validatorFor = (kind: Kind, optional: boolean) => {
  if (kind === 'expression')
    return (v: string) =>
      v.trim() === '' ? (optional ? null : 'Enter a JSONata expression') : expressionError(v)
  if (kind === 'template') return templateError
  return undefined
}

/**
 * The schema a field is drawn from. A value that may also be text (a duration as "3d" or
 * milliseconds, assignees as "editor, ana@…" or a list) is typed as text, never as JSON: the
 * engine reads the text form of each.
 */
function unwrap(schema: JsonSchema): JsonSchema & { textForm?: boolean } {
  const variants = schema.anyOf ?? schema.oneOf
  if (!variants) return schema
  const real = variants.filter((v) => v.type !== 'null')
  if (real.length === 1) return { ...real[0], description: schema.description ?? real[0].description }
  const text = real.find((v) => v.type === 'string')
  if (text) return { ...text, description: schema.description ?? text.description, textForm: true }
  return schema
}

/** What a text field shows for a value stored in another form (a number, a list). */
function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.join(', ')
  return value === undefined || value === null ? '' : String(value)
}

/** The inspector's generated form: one field per config property of the node type. */
export function ConfigForm(props: {
  spec: FormSpec
  config: unknown
  onChange: (config: Record<string, unknown>) => void
  disabled?: boolean
  errors: Map<string, string>
}) {
  const schema = configJsonSchema(props.spec)
  const config = (props.config && typeof props.config === 'object' ? props.config : {}) as Record<
    string,
    unknown
  >
  if (!schema?.properties)
    return <JsonField value={props.config} onChange={(v) => props.onChange(v as never)} />
  const entries = Object.entries(schema.properties)
  if (entries.length === 0) return <p className="text-[12.5px] text-slate-400">This step has no settings.</p>
  const set = (name: string, value: unknown) => {
    const next = { ...config }
    if (value === undefined) delete next[name]
    else next[name] = value
    props.onChange(next)
  }
  return (
    <div data-testid="config-form">
      {entries.map(([name, raw]) =>
        props.spec.connection?.field === name ? (
          <ConnectionPicker
            key={name}
            type={props.spec.connection.type}
            required={needsConnection(props.spec, config)}
            value={typeof config[name] === 'string' ? (config[name] as string) : undefined}
            onChange={(id) => set(name, id)}
            disabled={props.disabled}
            error={props.errors.get(name)}
            testId={`config-${name}`}
          />
        ) : (
          <Field
            key={name}
            name={name}
            schema={unwrap(raw)}
            optional={!schema.required?.includes(name) || raw.default !== undefined}
            kind={fieldKind(props.spec, name)}
            value={config[name]}
            onChange={(v) => set(name, v)}
            disabled={props.disabled}
            error={props.errors.get(name)}
          />
        ),
      )}
    </div>
  )
}

function Field(props: {
  name: string
  schema: JsonSchema & { textForm?: boolean }
  optional: boolean
  kind: Kind
  value: unknown
  onChange: (value: unknown) => void
  disabled?: boolean
  error?: string
}) {
  const id = useId()
  const { schema, name, kind } = props
  const label = settingTitle(name)
  const hint = schema.description
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type

  if (schema.enum) {
    const options = schema.enum.map((v) => ({ value: String(v), label: String(v) }))
    if (props.optional && props.value === undefined) options.unshift({ value: '', label: '—' })
    return (
      <SelectField
        id={id}
        label={label}
        hint={hint}
        value={props.value === undefined ? '' : String(props.value)}
        options={options}
        disabled={props.disabled}
        testId={`config-${name}`}
        onChange={(v) => props.onChange(v === '' ? undefined : v)}
      />
    )
  }
  if (kind === 'duration') {
    return (
      <DurationField
        id={id}
        label={label}
        hint={hint}
        value={props.value}
        optional={props.optional}
        disabled={props.disabled}
        testId={`config-${name}`}
        error={props.error}
        onChange={props.onChange}
      />
    )
  }
  if (type === 'string' && (kind === 'expression' || kind === 'template')) {
    return (
      <ExpressionField
        id={id}
        label={label}
        hint={hint}
        kind={kind}
        value={typeof props.value === 'string' ? props.value : ''}
        multiline={name !== 'url'}
        validate={validatorFor(kind, props.optional)}
        disabled={props.disabled}
        testId={`config-${name}`}
        error={props.error}
        onCommit={(v) => props.onChange(v === '' && props.optional && kind === 'expression' ? undefined : v)}
      />
    )
  }
  if (type === 'string') {
    return (
      <TextField
        id={id}
        label={label}
        hint={hint}
        value={schema.textForm ? asText(props.value) : typeof props.value === 'string' ? props.value : ''}
        secret={kind === 'secret'}
        validate={validatorFor(kind, props.optional)}
        disabled={props.disabled}
        testId={`config-${name}`}
        error={props.error}
        onCommit={(v) => props.onChange(v === '' && props.optional && schema.textForm ? undefined : v)}
      />
    )
  }
  if (type === 'number' || type === 'integer') {
    return (
      <TextField
        id={id}
        label={label}
        hint={hint}
        value={props.value === undefined ? '' : String(props.value)}
        validate={(v) => (v.trim() === '' || Number.isFinite(Number(v)) ? null : 'Enter a number')}
        disabled={props.disabled}
        testId={`config-${name}`}
        error={props.error}
        onCommit={(v) => {
          const n = Number(v)
          if (v.trim() === '') props.onChange(undefined)
          else if (Number.isFinite(n)) props.onChange(type === 'integer' ? Math.round(n) : n)
        }}
      />
    )
  }
  if (type === 'boolean') {
    if (props.optional && schema.default === undefined) {
      return (
        <SelectField
          id={id}
          label={label}
          hint={hint}
          value={props.value === undefined ? '' : String(props.value)}
          options={[
            { value: '', label: 'Automatic' },
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]}
          disabled={props.disabled}
          onChange={(v) => props.onChange(v === '' ? undefined : v === 'true')}
        />
      )
    }
    return (
      <div className="mb-3">
        <label className="flex items-center gap-2 text-[12.5px] font-medium text-slate-700">
          <input
            type="checkbox"
            className="h-3.5 w-3.5 accent-indigo-600"
            checked={props.value === true || (props.value === undefined && schema.default === true)}
            disabled={props.disabled}
            onChange={(e) => props.onChange(e.target.checked)}
          />
          {label}
        </label>
        {hint && <p className="mt-1 ml-5.5 text-[11.5px] leading-snug text-slate-400">{hint}</p>}
      </div>
    )
  }
  if (
    type === 'object' &&
    schema.additionalProperties &&
    typeof schema.additionalProperties === 'object' &&
    !schema.properties
  ) {
    return (
      <FieldRow label={label} hint={hint} error={props.error}>
        <RecordField
          value={(props.value ?? {}) as Record<string, string>}
          kind={kind === 'expression' || kind === 'template' ? kind : 'plain'}
          validate={validatorFor(kind, false)}
          disabled={props.disabled}
          testId={`config-${name}`}
          onChange={props.onChange}
        />
      </FieldRow>
    )
  }
  return (
    <FieldRow label={label} hint={hint} error={props.error}>
      <JsonField
        value={props.value}
        onChange={props.onChange}
        disabled={props.disabled}
        testId={`config-${name}`}
      />
    </FieldRow>
  )
}

/** Anything the form cannot draw is edited as JSON. */
function JsonField(props: {
  value: unknown
  onChange: (v: unknown) => void
  disabled?: boolean
  testId?: string
}) {
  const [text, setText] = useState(() =>
    props.value === undefined ? '' : JSON.stringify(props.value, null, 2),
  )
  let error: string | null = null
  try {
    if (text.trim()) JSON.parse(text)
  } catch (err) {
    error = (err as Error).message
  }
  return (
    <>
      <textarea
        rows={4}
        value={text}
        spellCheck={false}
        disabled={props.disabled}
        aria-label="JSON value"
        data-testid={props.testId}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          if (!error) props.onChange(text.trim() ? JSON.parse(text) : undefined)
        }}
        className={`${inputClass} font-mono text-[12px] ${error ? 'border-red-400' : ''}`}
      />
      {error && <p className="mt-0.5 text-[11.5px] text-red-600">{error}</p>}
    </>
  )
}
