import { errorMessage } from '../api/trpc'
import { useWorkflowMutations } from '../api/workflows'
import { navigate, workflowPath } from '../lib/router'
import { NameDialog } from './name-dialog'

/**
 * "New workflow": the name first, then a workflow is created and opened. `template` creates
 * it from a template under that name (what a template gallery would pass).
 */
export function NewWorkflowDialog(props: { template?: string; initialName?: string; onClose: () => void }) {
  const { create } = useWorkflowMutations()
  const submit = async (title: string) => {
    const input = props.template ? { template: props.template, title } : { title }
    const created = await create.mutateAsync(input).catch(() => null)
    if (created) navigate(workflowPath(created.id))
  }
  return (
    <NameDialog
      title="New workflow"
      confirmLabel="Create"
      initial={props.initialName}
      pending={create.isPending}
      error={create.error ? errorMessage(create.error) : null}
      onSubmit={(name) => void submit(name)}
      onClose={props.onClose}
      testId="new-workflow-dialog"
    />
  )
}
