import { useCallback, useEffect, useMemo, useState } from 'react'
import { shortRunId } from '../../api/runs'
import { runPath } from '../../lib/router'
import { useEditor, useEditorStoreApi } from '../../store/context'
import { isDirty } from '../../store/editor-store'
import { parseSetup, testCaseFromSetup } from '../../store/run-setup'
import { pathOf } from '../../store/trace'
import { Button } from '../../ui/button'
import { Icon } from '../../ui/icons'
import { toast } from '../../ui/toast'
import { LiveRunDialog } from './live-run-dialog'
import { RunControls } from './run-controls'
import { RunHistory } from './run-history'
import { RunSetupForm } from './run-setup-form'
import { StepDetails } from './step-details'
import { RunSummary, StepList } from './step-list'
import { TestCaseDialog } from './test-case-dialog'
import { TestCases, type TestVerdicts, withTests } from './test-cases'
import type { RunController } from './use-run-controller'

export type RunSegment = 'setup' | 'steps' | 'history' | 'tests'

/** The editor's Run tab: set up a test run, watch it step by step, replay past runs, keep test cases. */
export function RunPanel(props: {
  controller: RunController
  segment: RunSegment
  onSegment: (s: RunSegment) => void
  readOnly: boolean
  visible: boolean
  /** Saves the draft as a new version (live runs run saved versions only); false when it did not save. */
  saveDraft?: () => Promise<boolean>
}) {
  const { controller, onSegment, readOnly, visible } = props
  const store = useEditorStoreApi()
  const traced = useEditor((s) => s.trace.status !== 'idle')
  const running = useEditor((s) => s.trace.status === 'running')
  const stepCount = useEditor((s) => s.trace.steps.length)
  const testCount = useEditor((s) => s.graph.tests?.length ?? 0)
  const selected = useEditor((s) => (s.selection.nodes.length === 1 ? s.selection.nodes[0] : null))
  const selectedRan = useEditor((s) => selected !== null && s.trace.nodes[selected] !== undefined)
  const draft = useEditor(isDirty)
  const [confirmLive, setConfirmLive] = useState(false)
  const [saveAsTest, setSaveAsTest] = useState(false)
  const [verdicts, setVerdicts] = useState<TestVerdicts>(() => new WeakMap())
  /** The run on the canvas is of another version than the one being edited. */
  const [replayNote, setReplayNote] = useState<{ id: string; version: number | null } | null>(null)
  /** The run on the canvas retries this one. */
  const [retryOf, setRetryOf] = useState<string | null>(null)

  // While the panel is open the next run's trace stream is ready before Run is clicked.
  useEffect(() => {
    if (visible && !readOnly) controller.prepare()
  }, [visible, readOnly, controller])

  // Clicking a node while a run is on the canvas opens that step.
  useEffect(() => {
    if (selected && selectedRan) onSegment('steps')
  }, [selected, selectedRan, onSegment])

  const run = useCallback(
    async (live = false) => {
      setReplayNote(null)
      setRetryOf(null)
      // The step list comes first; a node picked for editing would open its details instead.
      store.getState().select({ nodes: [], edges: [] })
      if (await controller.start({ live })) onSegment('steps')
      else onSegment('setup')
    },
    [controller, onSegment, store],
  )
  const openRun = async (runId: string) => {
    const detail = await controller.replay(runId)
    if (!detail) return
    const { run: shown } = detail
    const s = store.getState()
    // The editor canvas is the current draft; a run of another version is exact only on its own page.
    setReplayNote(shown.version === s.baseVersion && !isDirty(s) ? null : shown)
    setRetryOf(shown.retryOf)
    store.getState().select({ nodes: [], edges: [] })
    onSegment('steps')
  }
  const pin = (nodeId: string, output: unknown) => {
    const s = store.getState()
    const text = JSON.stringify(output, null, 2)
    const others = s.runSetup.mocks.filter((m) => m.nodeId !== nodeId)
    s.setRunSetup({ mocks: [...others, { nodeId, text }] })
    toast(`Pinned ${nodeId}'s output: the next run uses it instead of running the step`, 'success')
  }

  // Viewers cannot start runs, so they get no run setup (an event editor without a Run button).
  const segments: [RunSegment, string, number?][] = [
    ...(readOnly ? [] : [['setup', 'Setup'] as [RunSegment, string]]),
    ['steps', 'Steps', stepCount || undefined],
    ['history', 'History'],
    ['tests', 'Tests', testCount || undefined],
  ]
  const segment = readOnly && props.segment === 'setup' ? 'history' : props.segment
  return (
    <div className="flex h-full flex-col" data-testid="run-panel">
      {!readOnly && (
        <div className="shrink-0 border-b border-slate-100 px-4 pt-3 pb-2.5">
          <div className="flex items-center gap-2">
            <Button
              variant="primary"
              onClick={() => void run(false)}
              disabled={controller.starting || running}
              data-testid="run-start"
              title="A dry run: nothing is sent"
            >
              <Icon name="play" size={13} />
              {running ? 'Running…' : 'Run test'}
            </Button>
            <Button
              variant="ghost"
              onClick={() => setConfirmLive(true)}
              disabled={controller.starting || running}
              data-testid="run-live"
              className="text-red-700 hover:bg-red-50 hover:text-red-800"
            >
              Live run…
            </Button>
            <span className="ml-auto text-right text-[11.5px] leading-tight text-slate-400">
              {draft ? 'runs your unsaved draft' : 'runs the saved version'}
            </span>
          </div>
        </div>
      )}
      <div
        role="tablist"
        aria-label="Run panel"
        className="flex shrink-0 gap-1 border-b border-slate-100 px-3 py-1.5"
      >
        {segments.map(([id, label, badge]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={segment === id}
            data-testid={`run-segment-${id}`}
            onClick={() => onSegment(id)}
            className={`rounded-md px-2 py-1 text-[12px] font-medium ${
              segment === id ? 'bg-slate-100 text-slate-900' : 'text-slate-500 hover:text-slate-800'
            }`}
          >
            {label}
            {badge !== undefined && (
              <span className="ml-1 text-[11px] font-normal text-slate-400">{badge}</span>
            )}
          </button>
        ))}
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-4 py-3">
        {segment === 'setup' && <RunSetupForm onSaveAsTest={() => setSaveAsTest(true)} />}
        {segment === 'steps' && (
          <>
            {retryOf && (
              <p className="mb-2 text-[12px] text-slate-500" data-testid="run-retry-of">
                Retry of{' '}
                <a className="font-mono text-indigo-700 hover:underline" href={`#${runPath(retryOf)}`}>
                  {shortRunId(retryOf)}
                </a>
              </p>
            )}
            {replayNote && (
              <p className="mb-2 rounded-md bg-sky-50 px-2.5 py-1.5 text-[12px] leading-snug text-sky-900">
                This run used {replayNote.version ? `version ${replayNote.version}` : 'an unsaved draft'}; the
                canvas shows what you are editing now.{' '}
                <a className="font-medium underline" href={`#${runPath(replayNote.id)}`}>
                  Open it on its own version
                </a>
              </p>
            )}
            {!traced ? (
              <p className="rounded-lg bg-slate-50 px-3 py-2.5 text-[12.5px] leading-relaxed text-slate-500">
                {readOnly
                  ? 'Open a past run from History to follow it here step by step.'
                  : 'Run a test to watch it here step by step, or open a past run from History.'}
              </p>
            ) : selected && selectedRan ? (
              <StepDetails
                key={selected}
                nodeId={selected}
                onBack={() => store.getState().select({ nodes: [], edges: [] })}
                onPin={readOnly ? undefined : pin}
              />
            ) : (
              <>
                <RunSummary />
                <CanvasRunControls
                  onCancelled={(id) => void controller.settle(id)}
                  onRetried={(id) => void openRun(id)}
                />
                <StepList />
              </>
            )}
          </>
        )}
        {segment === 'history' && <RunHistory onOpen={(row) => void openRun(row.id)} />}
        {segment === 'tests' && (
          <TestCases verdicts={verdicts} setVerdicts={setVerdicts} onTry={() => void run(false)} />
        )}
      </div>
      {confirmLive && (
        <LiveRunDialog
          saveDraft={props.saveDraft}
          onClose={() => setConfirmLive(false)}
          onConfirm={() => {
            setConfirmLive(false)
            void run(true)
          }}
        />
      )}
      {saveAsTest && <SaveAsTestDialog onClose={() => setSaveAsTest(false)} />}
    </div>
  )
}

/** Cancel / Retry for the run on the canvas (the run page has the same in its header). */
function CanvasRunControls(props: {
  onCancelled: (runId: string) => void
  onRetried: (runId: string) => void
}) {
  const runId = useEditor((s) => s.trace.runId)
  const status = useEditor((s) => s.trace.status)
  const live = useEditor((s) => !s.trace.dryRun)
  if (!runId || status === 'idle') return null
  return (
    <div className="mb-2">
      <RunControls
        runId={runId}
        status={status}
        live={live}
        size="sm"
        onCancelled={() => props.onCancelled(runId)}
        onRetried={props.onRetried}
      />
    </div>
  )
}

/** "Save as test case": this event, these mocks, and the path the last run took. */
function SaveAsTestDialog({ onClose }: { onClose: () => void }) {
  const store = useEditorStoreApi()
  const [initial] = useState(() => {
    const s = store.getState()
    const parsed = parseSetup(s.runSetup, s.graph)
    const n = (s.graph.tests?.length ?? 0) + 1
    return testCaseFromSetup(
      `Test case ${n}`,
      { event: parsed.event ?? {}, mocks: parsed.mocks },
      pathOf(s.trace),
    )
  })
  const tests = useEditor((s) => s.graph.tests)
  const names = useMemo(() => (tests ?? []).map((t) => t.name), [tests])
  return (
    <TestCaseDialog
      title="Save as test case"
      initial={initial}
      otherNames={names}
      onClose={onClose}
      onSave={(tc) => {
        const s = store.getState()
        s.commit(withTests(s.graph, [...(s.graph.tests ?? []), tc]))
        onClose()
        toast(`Added test case “${tc.name}”: save the workflow to keep it`, 'success')
      }}
    />
  )
}
