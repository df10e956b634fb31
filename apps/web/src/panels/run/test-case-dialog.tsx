import { useMemo, useState } from 'react'
import { expressionError, type TestCase } from '../../lib/engine'
import { useEditor } from '../../store/context'
import { jsonError } from '../../store/run-setup'
import { Button } from '../../ui/button'
import { Modal } from '../../ui/modal'
import { inputClass } from '../fields'
import { JsonEditor } from './json-editor'

const ids = (text: string) => text.split(/[\s,]+/).filter(Boolean)
const pretty = (v: unknown) => JSON.stringify(v ?? {}, null, 2)

/**
 * A saved test case, as fields: the event, the mocks, the path it must take and JSONata
 * assertions. It becomes part of the workflow (saved with it, written in the notation).
 */
export function TestCaseDialog(props: {
  title: string
  initial: TestCase
  /** Names of the other test cases: names identify a failing case when publishing is refused. */
  otherNames: string[]
  onSave: (testCase: TestCase) => void
  onClose: () => void
}) {
  const { initial } = props
  const nodeIds = useEditor((s) => s.graph.nodes.map((n) => n.id).join(' '))
  const [name, setName] = useState(initial.name)
  const [event, setEvent] = useState(pretty(initial.event))
  const [mocks, setMocks] = useState(pretty(initial.mocks))
  const [ran, setRan] = useState((initial.expectRan ?? []).join(' '))
  const [notRan, setNotRan] = useState((initial.expectNotRan ?? []).join(' '))
  const [assertions, setAssertions] = useState((initial.assertions ?? []).join('\n'))

  const errors = useMemo(() => {
    const known = new Set(nodeIds.split(' '))
    const unknown = (text: string) => {
      const bad = ids(text).filter((id) => !known.has(id))
      return bad.length ? `No such node: ${bad.join(', ')}` : null
    }
    const e: Record<string, string | null> = {
      name: !name.trim()
        ? 'Give it a name: a refused publish names the failing case'
        : props.otherNames.includes(name.trim())
          ? 'Another test case has this name'
          : null,
      event: jsonError(event),
      mocks: jsonError(mocks),
      ran: unknown(ran),
      notRan: unknown(notRan),
      assertions:
        assertions
          .split('\n')
          .map((a) => a.trim())
          .filter(Boolean)
          .map((a) => {
            const problem = expressionError(a)
            return problem ? `${a}: ${problem}` : null
          })
          .find(Boolean) ?? null,
    }
    if (!e.mocks) {
      const m = JSON.parse(mocks) as unknown
      if (typeof m !== 'object' || m === null || Array.isArray(m))
        e.mocks = 'Mocks are an object: {"n8": {"status": 200, "headers": {}, "body": {…}}}'
      else e.mocks = unknown(Object.keys(m).join(' '))
    }
    return e
  }, [name, event, mocks, ran, notRan, assertions, nodeIds, props.otherNames])
  const invalid = Object.values(errors).some(Boolean)

  const save = () => {
    if (invalid) return
    const m = JSON.parse(mocks) as Record<string, unknown>
    const list = assertions
      .split('\n')
      .map((a) => a.trim())
      .filter(Boolean)
    props.onSave({
      name: name.trim(),
      event: JSON.parse(event),
      ...(Object.keys(m).length ? { mocks: m } : {}),
      ...(ids(ran).length ? { expectRan: ids(ran) } : {}),
      ...(ids(notRan).length ? { expectNotRan: ids(notRan) } : {}),
      ...(list.length ? { assertions: list } : {}),
    })
  }

  const field = (label: string, id: string, error: string | null, input: React.ReactNode, hint?: string) => (
    <div className="mb-3">
      <label htmlFor={id} className="mb-1 block text-[12px] font-medium text-slate-600">
        {label}
      </label>
      {input}
      {error ? (
        <p role="alert" className="mt-1 text-[11.5px] text-red-600">
          {error}
        </p>
      ) : (
        hint && <p className="mt-1 text-[11.5px] text-slate-400">{hint}</p>
      )}
    </div>
  )

  return (
    <Modal
      title={props.title}
      onClose={props.onClose}
      width="max-w-2xl"
      testId="test-case-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={props.onClose}>
            Cancel
          </Button>
          <Button variant="primary" disabled={invalid} onClick={save} data-testid="tc-save">
            Save test case
          </Button>
        </>
      }
    >
      {field(
        'Name',
        'tc-name',
        errors.name,
        <input
          id="tc-name"
          data-testid="tc-name"
          data-autofocus
          className={inputClass}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />,
      )}
      <div className="grid grid-cols-2 gap-3">
        {field(
          'Expect these steps to run',
          'tc-expect-ran',
          errors.ran,
          <input
            id="tc-expect-ran"
            data-testid="tc-expect-ran"
            className={`${inputClass} font-mono`}
            value={ran}
            onChange={(e) => setRan(e.target.value)}
          />,
          'Node ids, separated by spaces',
        )}
        {field(
          'Expect these not to run',
          'tc-expect-not-ran',
          errors.notRan,
          <input
            id="tc-expect-not-ran"
            data-testid="tc-expect-not-ran"
            className={`${inputClass} font-mono`}
            value={notRan}
            onChange={(e) => setNotRan(e.target.value)}
          />,
        )}
      </div>
      {field(
        'Assertions',
        'tc-assertions',
        errors.assertions,
        <textarea
          id="tc-assertions"
          data-testid="tc-assertions"
          rows={3}
          spellCheck={false}
          className={`${inputClass} font-mono text-[12px]`}
          value={assertions}
          onChange={(e) => setAssertions(e.target.value)}
          placeholder={'vars.content.source = "personalized"'}
        />,
        'One JSONata expression per line, on {event, steps, vars}; each must be true',
      )}
      <div className="grid grid-cols-2 gap-3">
        <div>
          <p className="mb-1 text-[12px] font-medium text-slate-600">Event</p>
          <JsonEditor
            id="tc-event"
            label="Test case event"
            testId="tc-event"
            rows={12}
            value={event}
            onChange={setEvent}
          />
        </div>
        <div>
          <p className="mb-1 text-[12px] font-medium text-slate-600">Mocks by node id</p>
          <JsonEditor
            id="tc-mocks"
            label="Test case mocks"
            testId="tc-mocks"
            rows={12}
            value={mocks}
            onChange={setMocks}
            problem={errors.mocks && !jsonError(mocks) ? errors.mocks : null}
          />
        </div>
      </div>
    </Modal>
  )
}
