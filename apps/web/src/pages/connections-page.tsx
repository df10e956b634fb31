import { useId, useState } from 'react'
import {
  type Connection,
  type ConnectionTestResult,
  type ConnectionType,
  useConnectionMutations,
  useConnections,
} from '../api/connections'
import { type CurrentUser, errorMessage } from '../api/trpc'
import { relativeTime } from '../lib/download'
import { connectionConfigSchemas, connectionKinds, connectionTypes, secretBinding } from '../lib/engine'
import { ConfigForm, type FormSpec } from '../panels/config-form'
import { FieldRow, inputClass } from '../panels/fields'
import { Button } from '../ui/button'
import { Modal } from '../ui/modal'
import { toast } from '../ui/toast'
import { ConnectTabs } from './connect-tabs'

/** A connection kind's settings form is generated from its schema, like a node's config. */
const settingsSpec = (type: ConnectionType): FormSpec => ({
  id: `connection:${type}`,
  configSchema: connectionConfigSchemas[type],
})

/**
 * Connections: named credentials Braze and HTTP steps send through. Editors and admins
 * create, test, rotate and delete them; viewers see names only. Secrets are write-only
 * here: the server never sends them back, so forms only ever set a new one.
 */
export function ConnectionsPage({ user }: { user: CurrentUser }) {
  const list = useConnections()
  const canEdit = user.role !== 'viewer'
  const [editing, setEditing] = useState<Connection | 'new' | null>(null)
  const [rotating, setRotating] = useState<Connection | null>(null)
  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto max-w-5xl px-8 py-8">
        <ConnectTabs current="connections" />
        <div className="mb-6 flex items-end justify-between gap-4">
          <div>
            <h1 className="text-[20px] font-semibold tracking-tight text-slate-900">Connections</h1>
            <p className="mt-0.5 text-[13px] text-slate-500">
              Credentials your workflows send through, stored encrypted on the server. Steps refer to a
              connection by name; the secret never leaves the server.
            </p>
          </div>
          {canEdit && (
            <Button variant="primary" onClick={() => setEditing('new')} data-testid="connection-new">
              + New connection
            </Button>
          )}
        </div>
        <div className="rounded-xl border border-slate-200 bg-white shadow-xs">
          {list.isError ? (
            <p className="px-4 py-6 text-red-600">{errorMessage(list.error)}</p>
          ) : list.isPending ? (
            <p className="px-4 py-6 text-slate-400">Loading…</p>
          ) : list.data.length === 0 ? (
            <p className="px-4 py-10 text-center text-slate-400">
              No connections yet{canEdit ? ' — add your Braze REST API key to send for real.' : '.'}
            </p>
          ) : (
            <ConnectionTable rows={list.data} canEdit={canEdit} onEdit={setEditing} onRotate={setRotating} />
          )}
        </div>
        {!canEdit && (
          <p className="mt-3 text-[12.5px] text-slate-400">
            Only editors and admins see connection settings.
          </p>
        )}
      </div>
      {editing && (
        <ConnectionForm existing={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
      {rotating && <RotateDialog connection={rotating} onClose={() => setRotating(null)} />}
    </div>
  )
}

function settingsOf(c: Connection): string {
  return Object.values(c.config ?? {})
    .map((v) => String(v))
    .join(' · ')
}

function ConnectionTable(props: {
  rows: Connection[]
  canEdit: boolean
  onEdit: (c: Connection) => void
  onRotate: (c: Connection) => void
}) {
  const { test, remove } = useConnectionMutations()
  const [results, setResults] = useState<Record<string, ConnectionTestResult>>({})
  const runTest = async (c: Connection) => {
    try {
      const result = await test.mutateAsync({ id: c.id })
      setResults((r) => ({ ...r, [c.id]: result }))
      toast(`${c.name}: ${result.message}`, result.ok ? 'success' : 'error')
    } catch (err) {
      toast(errorMessage(err), 'error')
    }
  }
  const del = async (c: Connection) => {
    if (!window.confirm(`Delete the connection "${c.name}"? Steps can no longer send through it.`)) return
    try {
      await remove.mutateAsync({ id: c.id })
      toast(`Deleted ${c.name}`, 'success')
    } catch (err) {
      toast(errorMessage(err), 'error')
    }
  }
  return (
    <table className="w-full text-[13px]" data-testid="connection-list">
      <thead>
        <tr className="text-left text-[11.5px] font-semibold tracking-wide text-slate-500 uppercase">
          <th className="px-4 py-2 font-semibold">Name</th>
          <th className="px-4 py-2 font-semibold">Type</th>
          {props.canEdit && <th className="px-4 py-2 font-semibold">Settings</th>}
          {props.canEdit && <th className="px-4 py-2 font-semibold">Secret</th>}
          {props.canEdit && <th className="px-4 py-2 font-semibold">Used by</th>}
          {props.canEdit && <th className="px-4 py-2" />}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((c) => {
          const used = c.usedBy ?? []
          const result = results[c.id]
          return (
            <tr
              key={c.id}
              data-testid="connection-row"
              data-id={c.id}
              className="border-t border-slate-100 align-top"
            >
              <td className="px-4 py-2.5 font-medium text-slate-800">
                {c.name}
                {result && (
                  <span
                    data-testid="connection-test-result"
                    className={`mt-0.5 block text-[11.5px] font-normal ${result.ok ? 'text-emerald-700' : 'text-red-600'}`}
                  >
                    {result.message} ({result.ms} ms)
                  </span>
                )}
              </td>
              <td className="px-4 py-2.5 text-slate-600">{connectionKinds[c.type].title}</td>
              {props.canEdit && (
                <>
                  <td className="max-w-64 truncate px-4 py-2.5 font-mono text-[12px] text-slate-500">
                    {settingsOf(c)}
                  </td>
                  <td className="px-4 py-2.5 text-slate-500">
                    {c.secretSet ? '••••' : '—'}
                    <span className="block text-[11.5px] text-slate-400">
                      {c.secretSet ? `set ${relativeTime(c.secretUpdatedAt)}` : 'none'}
                    </span>
                  </td>
                  <td className="px-4 py-2.5 text-slate-500">
                    {used.length === 0 ? (
                      <span className="text-slate-400">unused</span>
                    ) : (
                      used.map((u) => u.title).join(', ')
                    )}
                  </td>
                  <td className="px-4 py-2 text-right whitespace-nowrap">
                    <Button size="sm" variant="ghost" onClick={() => runTest(c)} disabled={test.isPending}>
                      Test
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => props.onEdit(c)}>
                      Edit
                    </Button>
                    <Button size="sm" variant="ghost" onClick={() => props.onRotate(c)}>
                      Rotate secret
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      className="text-red-600"
                      disabled={used.length > 0 || remove.isPending}
                      title={
                        used.length > 0 ? 'In use by a workflow’s latest or published version' : undefined
                      }
                      onClick={() => del(c)}
                    >
                      Delete
                    </Button>
                  </td>
                </>
              )}
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

function Input(props: {
  label: string
  value: string
  onChange: (v: string) => void
  hint?: string
  type?: 'text' | 'password' | 'url'
  placeholder?: string
  testId?: string
}) {
  const id = useId()
  return (
    <FieldRow label={props.label} htmlFor={id} hint={props.hint}>
      <input
        id={id}
        type={props.type ?? 'text'}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete={props.type === 'password' ? 'new-password' : 'off'}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.value)}
        className={inputClass}
      />
    </FieldRow>
  )
}

/**
 * Create a connection, or edit one's name and settings (the secret is rotated separately).
 * `initialType`: the kind a new one starts as (the template gallery's "create" of a missing kind).
 */
export function ConnectionForm({
  existing,
  initialType,
  onClose,
}: {
  existing: Connection | null
  initialType?: ConnectionType
  onClose: () => void
}) {
  const { create, update } = useConnectionMutations()
  const [name, setName] = useState(existing?.name ?? '')
  const [type, setType] = useState<ConnectionType>(existing?.type ?? initialType ?? 'braze')
  const [configs, setConfigs] = useState<Partial<Record<ConnectionType, Record<string, unknown>>>>(
    existing ? { [existing.type]: existing.config ?? {} } : {},
  )
  const [secret, setSecret] = useState('')
  const typeId = useId()
  const kind = connectionKinds[type]
  const settings = configs[type] ?? kind.defaultConfig
  // The stored secret is bound to where it was saved for: sending it elsewhere needs it again
  // (admins may move it without; the server decides).
  const savedFor =
    existing?.secretSet && existing.config ? secretBinding(existing.type, existing.config) : null
  const moved = savedFor !== null && savedFor.key !== secretBinding(type, settings).key
  const pending = create.isPending || update.isPending
  const save = async () => {
    try {
      if (existing)
        await update.mutateAsync({
          id: existing.id,
          name,
          config: settings,
          ...(moved && secret ? { secret } : {}),
        })
      else await create.mutateAsync({ name, type, config: settings, ...(secret ? { secret } : {}) })
      toast(existing ? `Saved ${name}` : `Created ${name}`, 'success')
      onClose()
    } catch (err) {
      toast(errorMessage(err), 'error')
    }
  }
  return (
    <Modal
      title={existing ? `Edit ${existing.name}` : 'New connection'}
      onClose={onClose}
      testId="connection-form"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            onClick={save}
            disabled={pending || name.trim() === ''}
            data-testid="connection-save"
          >
            {existing ? 'Save' : 'Create'}
          </Button>
        </>
      }
    >
      <Input
        label="Name"
        value={name}
        onChange={setName}
        placeholder={`${kind.title} production`}
        testId="connection-name"
      />
      {!existing && (
        <FieldRow label="Type" htmlFor={typeId}>
          <select
            id={typeId}
            value={type}
            onChange={(e) => setType(e.target.value as ConnectionType)}
            className={`${inputClass} h-[30px] py-0`}
            data-testid="connection-type"
          >
            {connectionTypes.map((t) => (
              <option key={t} value={t}>
                {connectionKinds[t].title} ({connectionKinds[t].summary})
              </option>
            ))}
          </select>
        </FieldRow>
      )}
      <ConfigForm
        key={type}
        spec={settingsSpec(type)}
        config={settings}
        onChange={(next) => setConfigs((c) => ({ ...c, [type]: next }))}
        errors={new Map()}
      />
      {((!existing && kind.secretRequired(settings)) || moved) && (
        <Input
          label={kind.secretLabel}
          type="password"
          value={secret}
          onChange={setSecret}
          hint={
            moved
              ? `The secret was saved for ${savedFor.origin}; to send it somewhere else, enter it again.`
              : 'Stored encrypted; nobody can read it back, not even admins.'
          }
          testId="connection-secret"
        />
      )}
    </Modal>
  )
}

/** Replace the secret; runs that start afterwards use the new one. */
function RotateDialog({ connection, onClose }: { connection: Connection; onClose: () => void }) {
  const { update } = useConnectionMutations()
  const [secret, setSecret] = useState('')
  const rotate = async () => {
    try {
      await update.mutateAsync({ id: connection.id, secret })
      toast(`Rotated the secret of ${connection.name}; the next run uses it`, 'success')
      onClose()
    } catch (err) {
      toast(errorMessage(err), 'error')
    }
  }
  return (
    <Modal
      title={`Rotate secret of ${connection.name}`}
      onClose={onClose}
      testId="connection-rotate"
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" onClick={rotate} disabled={secret === '' || update.isPending}>
            Rotate
          </Button>
        </>
      }
    >
      <Input
        label={`New ${connectionKinds[connection.type].secretLabel.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())}`}
        type="password"
        value={secret}
        onChange={setSecret}
        hint="Runs already in progress finish with the old secret."
        testId="connection-new-secret"
      />
    </Modal>
  )
}
