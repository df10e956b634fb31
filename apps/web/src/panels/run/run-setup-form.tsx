import { memo, useMemo } from 'react'
import { useEditor, useEditorStoreApi } from '../../store/context'
import {
  mockTemplate,
  parseSetup,
  SAMPLE_EVENTS,
  sampleById,
  setupFromSample,
  testCaseSampleId,
} from '../../store/run-setup'
import type { MockDraft } from '../../store/types'
import { Button } from '../../ui/button'
import { inputClass } from '../fields'
import { JsonEditor } from './json-editor'
import { truncatedSize } from './json-tree'

/** The event a test run starts from and the node outputs it pins (mocks). */
export const RunSetupForm = memo(function RunSetupForm({ onSaveAsTest }: { onSaveAsTest: () => void }) {
  const store = useEditorStoreApi()
  const setup = useEditor((s) => s.runSetup)
  const graph = useEditor((s) => s.graph)
  const tests = graph.tests
  const canSave = useEditor((s) => s.trace.status === 'succeeded' || s.trace.status === 'failed')
  const readOnly = useEditor((s) => s.readOnly)
  const parsed = useMemo(() => parseSetup(setup, graph), [setup, graph])
  const eventProblem = parsed.errors.event?.startsWith('The event') ? parsed.errors.event : null

  const chooseSample = (id: string) => {
    const sample = sampleById(id, store.getState().graph)
    if (sample) store.getState().setRunSetup(setupFromSample(sample))
  }
  const setMocks = (mocks: MockDraft[]) => store.getState().setRunSetup({ mocks })
  const mocked = new Set(setup.mocks.map((m) => m.nodeId))

  return (
    <div className="space-y-4" data-testid="run-setup">
      <div>
        <label htmlFor="run-sample" className="mb-1 block text-[12px] font-medium text-slate-600">
          Sample event
        </label>
        <select
          id="run-sample"
          data-testid="run-sample-select"
          className={inputClass}
          value={sampleById(setup.sample, graph) ? setup.sample : ''}
          onChange={(e) => chooseSample(e.target.value)}
        >
          <option value="" disabled>
            Edited by hand
          </option>
          <optgroup label="Segment calls">
            {SAMPLE_EVENTS.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </optgroup>
          {tests && tests.length > 0 && (
            <optgroup label="This workflow's test cases (event and mocks)">
              {tests.map((t, i) => (
                <option key={testCaseSampleId(i)} value={testCaseSampleId(i)}>
                  {t.name}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </div>
      <div>
        <label htmlFor="run-event" className="mb-1 block text-[12px] font-medium text-slate-600">
          Event JSON <span className="font-normal text-slate-400">— Segment spec</span>
        </label>
        <JsonEditor
          id="run-event"
          label="Event JSON"
          testId="run-event-editor"
          rows={14}
          value={setup.eventText}
          problem={eventProblem}
          onChange={(eventText) => store.getState().setRunSetup({ eventText, sample: '' })}
        />
      </div>

      <div>
        <div className="mb-1 flex items-baseline justify-between">
          <h4 className="text-[12px] font-medium text-slate-600">Mocks</h4>
          <span className="text-[11px] text-slate-400">a mocked step does not run: it answers with this</span>
        </div>
        {setup.mocks.length === 0 && (
          <p className="mb-2 text-[12px] text-slate-400">
            None: read-only calls (like the recommendation API) really run; steps with side effects only
            record their request.
          </p>
        )}
        <div className="space-y-2.5">
          {setup.mocks.map((m, i) => (
            <MockEditor
              key={m.nodeId}
              draft={m}
              error={
                parsed.errors[m.nodeId] && !graph.nodes.some((n) => n.id === m.nodeId)
                  ? parsed.errors[m.nodeId]
                  : null
              }
              onChange={(text) => setMocks(setup.mocks.map((x, j) => (j === i ? { ...x, text } : x)))}
              onRemove={() => setMocks(setup.mocks.filter((_, j) => j !== i))}
            />
          ))}
        </div>
        <select
          aria-label="Add a mock for a node"
          data-testid="run-add-mock"
          className={`${inputClass} mt-2 text-slate-500`}
          value=""
          onChange={(e) => {
            const nodeId = e.target.value
            const node = graph.nodes.find((n) => n.id === nodeId)
            if (node) setMocks([...setup.mocks, { nodeId, text: mockTemplate(node) }])
          }}
        >
          <option value="">+ Mock a step's output…</option>
          {graph.nodes
            .filter((n) => !mocked.has(n.id) && n.type !== 'start' && n.type !== 'end')
            .map((n) => (
              <option key={n.id} value={n.id}>
                {n.id} — {n.label}
              </option>
            ))}
        </select>
      </div>

      {!readOnly && (
        <div className="border-t border-slate-100 pt-3">
          <Button
            size="sm"
            disabled={!canSave || Object.keys(parsed.errors).length > 0}
            onClick={onSaveAsTest}
            data-testid="save-as-test-case"
            title={canSave ? 'Keep this event, these mocks and the path the last run took' : 'Run it first'}
          >
            Save as test case…
          </Button>
          <p className="mt-1 text-[11.5px] text-slate-400">
            Keeps this event and these mocks, and expects the path the last run took.
          </p>
        </div>
      )}
    </div>
  )
})

const MockEditor = memo(function MockEditor(props: {
  draft: MockDraft
  error: string | null
  onChange: (text: string) => void
  onRemove: () => void
}) {
  const { nodeId } = props.draft
  const label = useEditor((s) => s.graph.nodes.find((n) => n.id === nodeId)?.label)
  // Offered only when the last run has something to pin that is not this mock itself.
  const last = useEditor((s) => {
    const t = s.trace.nodes[nodeId]
    return t?.status === 'succeeded' && !t.mocked && truncatedSize(t.output) === null ? t.output : undefined
  })
  return (
    <div className="rounded-md border border-slate-200 p-2" data-testid={`run-mock-${nodeId}`}>
      <div className="mb-1.5 flex items-center gap-1.5">
        <span className="rounded bg-amber-100 px-1 font-mono text-[11px] text-amber-900">{nodeId}</span>
        <span className="min-w-0 flex-1 truncate text-[12px] text-slate-700" title={label}>
          {label ?? <span className="text-red-600">no such node</span>}
        </span>
        {last !== undefined && (
          <button
            type="button"
            className="text-[11.5px] text-indigo-600 hover:underline"
            data-testid={`run-mock-pin-${nodeId}`}
            title="Use the output this step gave in the last run"
            onClick={() => props.onChange(JSON.stringify(last, null, 2))}
          >
            Pin last output
          </button>
        )}
        <button
          type="button"
          aria-label={`Remove the mock of ${nodeId}`}
          data-testid={`run-mock-remove-${nodeId}`}
          onClick={props.onRemove}
          className="rounded px-1 text-[15px] leading-none text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        >
          ×
        </button>
      </div>
      <JsonEditor
        id={`run-mock-${nodeId}-json`}
        label={`Mock output of ${nodeId}`}
        testId={`run-mock-editor-${nodeId}`}
        rows={6}
        value={props.draft.text}
        problem={props.error}
        onChange={props.onChange}
      />
    </div>
  )
})
