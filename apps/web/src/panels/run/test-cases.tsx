import { memo, useState } from 'react'
import { useRunMutations } from '../../api/runs'
import { errorMessage } from '../../api/trpc'
import type { TestCase, Workflow } from '../../lib/engine'
import { useEditor, useEditorStoreApi } from '../../store/context'
import { setupFromSample } from '../../store/run-setup'
import { Button } from '../../ui/button'
import { toast } from '../../ui/toast'
import { StatusDot } from './run-status'
import { TestCaseDialog } from './test-case-dialog'

/** Last "Run all" verdicts, by test case object: an edited case has a new object and no verdict. */
export type TestVerdicts = WeakMap<TestCase, { passed: boolean; reason: string | null }>

/** Test cases live in the model: editing them is an undoable graph change saved with the workflow. */
export function withTests(graph: Workflow, tests: TestCase[]): Workflow {
  const { tests: _old, ...rest } = graph
  return tests.length > 0 ? { ...rest, tests } : rest
}

export const TestCases = memo(function TestCases(props: {
  verdicts: TestVerdicts
  setVerdicts: (v: TestVerdicts) => void
  onTry: () => void
}) {
  const store = useEditorStoreApi()
  const tests = useEditor((s) => s.graph.tests) ?? []
  const readOnly = useEditor((s) => s.readOnly)
  const { runTests } = useRunMutations()
  const [editing, setEditing] = useState<number | null>(null)
  const { verdicts } = props

  const runAll = async () => {
    const s = store.getState()
    try {
      const { results } = await runTests.mutateAsync({ workflowId: s.workflowId, model: s.graph })
      const next: TestVerdicts = new WeakMap()
      const current = s.graph.tests ?? []
      for (const r of results)
        if (current[r.index]) next.set(current[r.index], { passed: r.passed, reason: r.reason })
      props.setVerdicts(next)
    } catch (err) {
      toast(`Could not run the test cases: ${errorMessage(err)}`, 'error')
    }
  }
  const replace = (index: number, testCase: TestCase | null) => {
    const s = store.getState()
    const list = [...(s.graph.tests ?? [])]
    if (testCase) list[index] = testCase
    else list.splice(index, 1)
    s.commit(withTests(s.graph, list))
  }
  const judged = tests.filter((t) => verdicts.has(t))
  const passed = judged.filter((t) => verdicts.get(t)!.passed).length

  return (
    <div data-testid="test-cases">
      <div className="mb-3 flex items-center gap-2">
        <Button
          size="sm"
          variant="primary"
          disabled={tests.length === 0 || runTests.isPending}
          onClick={() => void runAll()}
          data-testid="test-run-all"
        >
          {runTests.isPending ? 'Running…' : `Run all ${tests.length || ''}`.trim()}
        </Button>
        {judged.length > 0 && (
          <span
            data-testid="test-summary"
            data-failed={judged.length - passed}
            className={`text-[12.5px] font-medium ${passed === judged.length ? 'text-emerald-700' : 'text-red-700'}`}
          >
            {passed} of {judged.length} passed
            {judged.length < tests.length && (
              <span className="font-normal text-slate-400">
                {' '}
                · {tests.length - judged.length} changed since
              </span>
            )}
          </span>
        )}
      </div>
      {tests.length === 0 && (
        <p className="rounded-lg bg-slate-50 px-3 py-2.5 text-[12.5px] leading-relaxed text-slate-500">
          No test cases yet. Run an event, then “Save as test case” in Setup: it keeps the event, the mocks
          and the path the run took. Publishing runs every test case and is refused while one fails.
        </p>
      )}
      <ul className="space-y-1.5">
        {tests.map((t, i) => {
          const v = verdicts.get(t)
          return (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: test cases have no id; names may repeat while editing
              key={i}
              data-testid={`test-case-${i}`}
              data-result={v ? (v.passed ? 'passed' : 'failed') : 'unknown'}
              className={`rounded-md border px-2.5 py-2 ${v && !v.passed ? 'border-red-200 bg-red-50/40' : 'border-slate-200'}`}
            >
              <div className="flex items-start gap-2">
                <span className="pt-[5px]">
                  <StatusDot status={v ? (v.passed ? 'succeeded' : 'failed') : 'idle'} />
                </span>
                <span
                  className="line-clamp-2 min-w-0 flex-1 text-[12.5px] leading-snug font-medium break-words text-slate-800"
                  title={t.name}
                >
                  {t.name}
                </span>
                <button
                  type="button"
                  className="text-[11.5px] text-indigo-600 hover:underline"
                  data-testid={`test-case-try-${i}`}
                  title="Load its event and mocks into Setup and run it on the canvas"
                  onClick={() => {
                    store
                      .getState()
                      .setRunSetup(
                        setupFromSample({ id: `test:${i}`, label: t.name, event: t.event, mocks: t.mocks }),
                      )
                    props.onTry()
                  }}
                >
                  Trace
                </button>
                {!readOnly && (
                  <>
                    <button
                      type="button"
                      className="text-[11.5px] text-indigo-600 hover:underline"
                      data-testid={`test-case-edit-${i}`}
                      onClick={() => setEditing(i)}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="text-[11.5px] text-slate-500 hover:text-red-600"
                      data-testid={`test-case-delete-${i}`}
                      onClick={() => {
                        replace(i, null)
                        toast(`Deleted test case “${t.name}” (undo brings it back)`)
                      }}
                    >
                      Delete
                    </button>
                  </>
                )}
              </div>
              <p className="mt-0.5 pl-4 text-[11.5px] text-slate-500">{expectation(t)}</p>
              {v && !v.passed && (
                <p
                  className="mt-1 pl-4 text-[11.5px] leading-snug text-red-700"
                  data-testid={`test-case-reason-${i}`}
                >
                  {v.reason}
                </p>
              )}
            </li>
          )
        })}
      </ul>
      {editing !== null && tests[editing] && (
        <TestCaseDialog
          title="Edit test case"
          initial={tests[editing]}
          otherNames={tests.filter((_, j) => j !== editing).map((x) => x.name)}
          onClose={() => setEditing(null)}
          onSave={(tc) => {
            replace(editing, tc)
            setEditing(null)
          }}
        />
      )}
    </div>
  )
})

function expectation(t: TestCase): string {
  const parts = []
  if (t.expectRan?.length) parts.push(`${t.expectRan.length} steps must run`)
  if (t.expectNotRan?.length) parts.push(`${t.expectNotRan.length} must not`)
  if (t.assertions?.length)
    parts.push(`${t.assertions.length} assertion${t.assertions.length > 1 ? 's' : ''}`)
  if (t.mocks) parts.push(`mocks ${Object.keys(t.mocks).join(', ')}`)
  return parts.join(' · ') || 'must succeed'
}
