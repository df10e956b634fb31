import { useQueries, useQuery } from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState } from 'react'
import { flushSync } from 'react-dom'
import { type ConnectionType, useConnections } from '../../api/connections'
import { errorMessage, useTRPC } from '../../api/trpc'
import { useWorkflowMutations } from '../../api/workflows'
import type { Workflow } from '../../lib/engine'
import { navigate, workflowPath } from '../../lib/router'
import { ConnectionForm } from '../connections-page'
import { NameDialog } from '../name-dialog'
import { retainPreviewLayout } from './preview-layout'
import { BlankCard, TemplateCard } from './template-card'

/**
 * "New workflow": the name first, as everywhere, and what to start from — a blank canvas or
 * one of the templates, each with a preview and the connections it needs (missing ones can
 * be created right here, so the new workflow's steps pick them up). Creating opens the
 * editor, where the template's test cases are ready to run.
 */
export function TemplateGallery(props: {
  onClose: () => void
  /** A template chosen already (a card on the workflow list): its title is the proposed name. */
  initial?: { id: string; title: string }
}) {
  const trpc = useTRPC()
  const templates = useQuery(trpc.workflows.templates.queryOptions())
  const models = useQueries({
    queries: (templates.data ?? []).map((t) =>
      trpc.workflows.templateModel.queryOptions({ id: t.id }, { staleTime: Number.POSITIVE_INFINITY }),
    ),
  })
  const connections = useConnections()
  const { create } = useWorkflowMutations()
  const [choice, setChoice] = useState<string | null>(props.initial?.id ?? null)
  const [name, setName] = useState(props.initial?.title ?? '')
  // Once the user has typed a name, choosing another template no longer replaces it.
  const [typed, setTyped] = useState(false)
  const [adding, setAdding] = useState<ConnectionType | null>(null)
  const nameInput = useRef<HTMLInputElement>(null)
  useEffect(() => retainPreviewLayout(), [])

  // The dialog re-focuses its first field whenever onClose changes identity: keep it stable.
  // Escape while the connection form is open closes only that form.
  const onClose = useRef(props.onClose)
  onClose.current = props.onClose
  const addingRef = useRef(adding)
  addingRef.current = adding
  const close = useCallback(() => {
    if (addingRef.current === null) onClose.current()
  }, [])

  // Choosing asks for the name: the template's title, selected, so typing replaces it. A name
  // the user typed is kept, and so is the focus.
  const choose = (id: string | null, title?: string) => {
    setChoice(id)
    if (typed) return
    // Rendered first, so that focusing selects the new title rather than the old name.
    flushSync(() => setName(title ?? ''))
    nameInput.current?.focus()
  }
  const submit = async (title: string) => {
    const created = await create
      .mutateAsync(choice ? { template: choice, title } : { title })
      .catch(() => null)
    if (created) navigate(workflowPath(created.id))
  }
  const chosen = templates.data?.find((t) => t.id === choice)

  return (
    <>
      <NameDialog
        title="New workflow"
        confirmLabel="Create"
        value={name}
        onChange={(v) => {
          setName(v)
          setTyped(v.trim() !== '')
        }}
        inputRef={nameInput}
        hint={
          chosen
            ? `Starts as a copy of the “${chosen.title}” template, test cases included.`
            : 'Starts as an empty canvas.'
        }
        pending={create.isPending}
        error={create.error ? errorMessage(create.error) : null}
        onSubmit={(title) => void submit(title)}
        onClose={close}
        testId="new-workflow-dialog"
        width="max-w-[1320px]"
      >
        <h3 className="mt-3 mb-2 text-[12px] font-semibold tracking-wide text-slate-500 uppercase">
          Start from
        </h3>
        {templates.isError && (
          <p className="mb-2 text-[12.5px] text-red-600">
            Could not load the templates: {errorMessage(templates.error)}
          </p>
        )}
        <ul className="grid grid-cols-4 gap-3" data-testid="template-gallery">
          <BlankCard selected={choice === null} onSelect={() => choose(null)} />
          {templates.data?.map((t, i) => (
            <TemplateCard
              key={t.id}
              template={t}
              model={models[i]?.data as Workflow | undefined}
              connections={connections.data}
              selected={choice === t.id}
              onSelect={() => choose(t.id, t.title)}
              onCreateConnection={setAdding}
            />
          ))}
        </ul>
      </NameDialog>
      {adding && <ConnectionForm existing={null} initialType={adding} onClose={() => setAdding(null)} />}
    </>
  )
}
