import { type FormEvent, type ReactNode, type Ref, useState } from 'react'
import { Button } from '../ui/button'
import { Modal } from '../ui/modal'

/**
 * Asks for a workflow's name: "New workflow" (nothing is saved until it is given) and
 * "Rename…". Small on purpose, so a template gallery can ask the same way.
 */
export function NameDialog(props: {
  title: string
  confirmLabel: string
  initial?: string
  pending?: boolean
  error?: string | null
  hint?: string
  /** Rename: confirming the unchanged name does nothing, so it is disabled. */
  requireChange?: boolean
  onSubmit: (name: string) => void
  onClose: () => void
  testId?: string
  /** Controlled name: the template gallery fills in the chosen template's title. */
  value?: string
  onChange?: (name: string) => void
  inputRef?: Ref<HTMLInputElement>
  /** Shown below the name (the template gallery's cards), in a dialog `width` wide. */
  children?: ReactNode
  width?: string
}) {
  const [own, setOwn] = useState(props.initial ?? '')
  const name = props.value ?? own
  const setName = props.onChange ?? setOwn
  const trimmed = name.trim()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (trimmed) props.onSubmit(trimmed)
  }
  return (
    <Modal
      title={props.title}
      onClose={props.onClose}
      testId={props.testId ?? 'name-dialog'}
      width={props.width}
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            Cancel
          </Button>
          <Button
            variant="primary"
            type="submit"
            form="name-dialog-form"
            disabled={!trimmed || props.pending || (props.requireChange && trimmed === props.initial?.trim())}
            data-testid="name-dialog-confirm"
          >
            {props.pending ? 'Please wait…' : props.confirmLabel}
          </Button>
        </>
      }
    >
      <form id="name-dialog-form" onSubmit={submit}>
        <label htmlFor="workflow-name" className="mb-1 block text-[12.5px] font-medium text-slate-700">
          Name
        </label>
        <input
          id="workflow-name"
          ref={props.inputRef}
          data-autofocus
          data-testid="workflow-name"
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
          onFocus={(e) => e.currentTarget.select()}
          placeholder="e.g. Win back lapsed customers"
          className="h-9 w-full rounded-md border border-slate-300 px-2.5 text-[13px] outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100"
        />
        {props.hint && <p className="mt-1.5 text-[12px] text-slate-500">{props.hint}</p>}
        {props.error && (
          <p role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-[12.5px] text-red-700">
            {props.error}
          </p>
        )}
      </form>
      {props.children}
    </Modal>
  )
}
