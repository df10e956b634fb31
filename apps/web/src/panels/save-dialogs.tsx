import { useState } from 'react'
import { Button } from '../ui/button'
import { Modal } from '../ui/modal'

export function SaveDialog(props: {
  nextVersion: number
  pending: boolean
  errorCount: number
  onSave: (message: string) => void
  onClose: () => void
}) {
  const [message, setMessage] = useState('')
  return (
    <Modal
      title={`Save version ${props.nextVersion}`}
      onClose={props.onClose}
      testId="save-dialog"
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            variant="primary"
            data-testid="save-confirm"
            disabled={props.pending}
            onClick={() => props.onSave(message.trim())}
          >
            {props.pending ? 'Saving…' : 'Save'}
          </Button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          props.onSave(message.trim())
        }}
      >
        <label htmlFor="save-message" className="mb-1 block text-[12.5px] font-medium text-slate-700">
          What changed? <span className="font-normal text-slate-400">(optional)</span>
        </label>
        <input
          id="save-message"
          data-autofocus
          data-testid="save-message"
          value={message}
          maxLength={500}
          onChange={(e) => setMessage(e.target.value)}
          placeholder="e.g. Lower the confidence threshold to 0.6"
          className="h-9 w-full rounded-md border border-slate-300 px-2.5 text-[13px] outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-100"
        />
        {props.errorCount > 0 && (
          <p className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-[12.5px] text-amber-800">
            The workflow has {props.errorCount} error{props.errorCount > 1 ? 's' : ''}. You can save a draft,
            but it cannot be published until they are fixed.
          </p>
        )}
      </form>
    </Modal>
  )
}

export function ConflictDialog(props: {
  message: string
  busy: boolean
  onReload: () => void
  onSaveCopy: () => void
  onDownload: () => void
  onClose: () => void
}) {
  return (
    <Modal
      title="Someone saved a newer version"
      onClose={props.onClose}
      testId="conflict-dialog"
      width="max-w-lg"
    >
      <p className="mb-2">{props.message}</p>
      <p className="mb-4 text-slate-500">
        Your changes have not been saved, and they are not lost. Choose how to continue:
      </p>
      <div className="space-y-2">
        <button
          type="button"
          data-testid="conflict-reload"
          disabled={props.busy}
          onClick={props.onReload}
          className="block w-full rounded-lg border border-slate-200 px-3.5 py-2.5 text-left hover:border-indigo-200 hover:bg-indigo-50"
        >
          <span className="block font-medium text-slate-800">Reload latest</span>
          <span className="block text-[12.5px] text-slate-500">
            Open the newer version. Your changes are kept in a copy you can download or save as a new
            workflow.
          </span>
        </button>
        <button
          type="button"
          data-testid="conflict-save-copy"
          disabled={props.busy}
          onClick={props.onSaveCopy}
          className="block w-full rounded-lg border border-slate-200 px-3.5 py-2.5 text-left hover:border-indigo-200 hover:bg-indigo-50"
        >
          <span className="block font-medium text-slate-800">Save as a copy</span>
          <span className="block text-[12.5px] text-slate-500">
            Create a new workflow from your version and open it.
          </span>
        </button>
        <button
          type="button"
          data-testid="conflict-download"
          onClick={props.onDownload}
          className="block w-full rounded-lg px-3.5 py-1.5 text-left text-[12.5px] text-indigo-700 hover:underline"
        >
          Download my version as .flow
        </button>
      </div>
    </Modal>
  )
}
