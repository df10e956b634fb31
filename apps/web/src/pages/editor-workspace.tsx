import { useQueryClient } from '@tanstack/react-query'
import { useReactFlow } from '@xyflow/react'
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react'
import { type CurrentUser, errorCode, errorMessage, modelOf, useTRPC } from '../api/trpc'
import { useWorkflowMutations } from '../api/workflows'
import { Canvas, FIT_VIEW_OPTIONS } from '../canvas/canvas'
import { autoLayout } from '../canvas/layout'
import type { CommandContext } from '../commands/commands'
import { useKeyboard } from '../commands/use-keyboard'
import { downloadText, slug } from '../lib/download'
import { format, type Workflow } from '../lib/engine'
import { addNavigationGuard, navigate, workflowPath } from '../lib/router'
import { HelpOverlay } from '../panels/help-overlay'
import { Inspector } from '../panels/inspector'
import { Palette } from '../panels/palette'
import { ProblemsList } from '../panels/problems-list'
import { RunBanner } from '../panels/run/run-banner'
import { RunPanel, type RunSegment } from '../panels/run/run-panel'
import { useRunController } from '../panels/run/use-run-controller'
import { ConflictDialog, SaveDialog } from '../panels/save-dialogs'
import { Toolbar } from '../panels/toolbar'
import { TriggerDialog } from '../panels/trigger-setup'
import { useValidation } from '../panels/use-validation'
import { useEditor } from '../store/context'
import { type EditorStore, isDirty } from '../store/editor-store'
import type { Issue } from '../store/types'
import { Button } from '../ui/button'
import { toast } from '../ui/toast'
import { AnalyticsToggle } from './analytics/analytics-toggle'
import { EditorAnalyticsBar } from './analytics/editor-analytics-bar'
import { EditorActions, readOnlyReasonFor } from './editor-actions'
import { prepareGraph } from './editor-page'

type Tab = 'inspector' | 'text' | 'problems' | 'run'

// CodeMirror is a third of the bundle: it loads when the text view is first opened.
const TextView = lazy(() => import('../panels/text-view').then((m) => ({ default: m.TextView })))
const LEAVE_MESSAGE = 'You have unsaved changes. Leave without saving?'

function exportGraph(graph: Workflow, kind: 'flow' | 'json', suffix = '') {
  const name = `${slug(graph.title)}${suffix}`
  if (kind === 'flow') downloadText(`${name}.flow`, format(graph))
  else downloadText(`${name}.json`, `${JSON.stringify(graph, null, 2)}\n`, 'application/json')
}

export function EditorWorkspace({
  store,
  user,
  archived,
  everPublished,
}: {
  store: EditorStore
  user: CurrentUser
  archived: boolean
  everPublished: boolean
}) {
  const readOnly = user.role === 'viewer' || archived
  const readOnlyReason = readOnlyReasonFor(user, archived)
  const trpc = useTRPC()
  const qc = useQueryClient()
  const flow = useReactFlow()
  const mutations = useWorkflowMutations()
  const [tab, setTab] = useState<Tab>('inspector')
  const [textOpened, setTextOpened] = useState(false)
  if (tab === 'text' && !textOpened) setTextOpened(true)
  const [help, setHelp] = useState(false)
  const [saveOpen, setSaveOpen] = useState(false)
  const [conflict, setConflict] = useState<string | null>(null)
  const [rescued, setRescued] = useState<Workflow | null>(null)
  const [busy, setBusy] = useState(false)
  const [runSegment, setRunSegment] = useState<RunSegment>('setup')
  /** The server's last refusal to publish (a failing test case, by name), shown until the next try. */
  const [publishRefusal, setPublishRefusal] = useState<string | null>(null)
  /** The trigger setup dialog: opened from the toolbar, or right after publishing. */
  const [trigger, setTrigger] = useState<'open' | 'published' | null>(null)
  const runs = useRunController(store)
  const verdictReady = useValidation(store)
  // Archiving or unarchiving from the menu changes what may be edited, without reopening.
  useEffect(() => {
    if (store.getState().readOnly !== readOnly) store.setState({ readOnly, editing: null })
  }, [store, readOnly])

  // Leaving with unsaved changes asks first: tab close/reload and in-app navigation.
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!isDirty(store.getState())) return
      e.preventDefault()
      e.returnValue = LEAVE_MESSAGE
    }
    window.addEventListener('beforeunload', onBeforeUnload)
    const removeGuard = addNavigationGuard(() => (isDirty(store.getState()) ? LEAVE_MESSAGE : null))
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload)
      removeGuard()
    }
  }, [store])

  const save = useCallback(
    async (message: string): Promise<boolean> => {
      const s = store.getState()
      const graph = s.graph
      try {
        const result = await mutations.save.mutateAsync({
          id: s.workflowId,
          baseVersion: s.baseVersion,
          model: graph,
          message: message || undefined,
        })
        store.getState().markSaved(graph, result.version)
        store.getState().setServerIssues(result.issues as Issue[])
        setSaveOpen(false)
        setPublishRefusal(null)
        const errors = (result.issues as Issue[]).filter((i) => i.severity === 'error').length
        // A version with errors is kept, but it is not done: a warning, not a green tick.
        if (errors)
          toast(
            `Saved as version ${result.version}, with ${errors} error${errors > 1 ? 's' : ''}: fix ${errors > 1 ? 'them' : 'it'} before publishing (Problems tab)`,
            'warning',
          )
        else toast(`Saved as version ${result.version}`, 'success')
        return true
      } catch (err) {
        setSaveOpen(false)
        if (errorCode(err) === 'CONFLICT') setConflict(errorMessage(err))
        else toast(`Could not save: ${errorMessage(err)}`, 'error')
        return false
      }
    },
    [store, mutations.save],
  )

  /** Replaces the canvas with the latest saved version (after a conflict, or a restore from the menu). */
  const loadLatest = async () => {
    const s = store.getState()
    const latest = await qc.fetchQuery({
      ...trpc.workflows.get.queryOptions({ id: s.workflowId }),
      staleTime: 0,
    })
    const graph = await prepareGraph(modelOf(latest))
    s.load(graph)
    s.markSaved(graph, latest.latestVersion)
    s.setPublished(latest.publishedVersion)
    s.setServerIssues(latest.version.issues as Issue[])
    setTimeout(() => void flow.fitView(FIT_VIEW_OPTIONS), 50)
  }

  const reloadLatest = async () => {
    setBusy(true)
    try {
      const mine = store.getState().graph
      await loadLatest()
      setRescued(mine)
      setConflict(null)
    } catch (err) {
      toast(`Could not reload: ${errorMessage(err)}`, 'error')
    } finally {
      setBusy(false)
    }
  }

  const saveCopy = async (graph: Workflow) => {
    setBusy(true)
    try {
      const { id } = await mutations.create.mutateAsync({
        model: { ...graph, title: `${graph.title} (copy)` },
      })
      toast('Saved your version as a new workflow', 'success')
      setConflict(null)
      navigate(workflowPath(id), { force: true })
    } catch (err) {
      toast(`Could not save a copy: ${errorMessage(err)}`, 'error')
    } finally {
      setBusy(false)
    }
  }

  const ctx = useMemo<CommandContext>(() => {
    let memory: string | null = null
    return {
      store,
      readOnly,
      fitView: () => void flow.fitView({ ...FIT_VIEW_OPTIONS, duration: 250 }),
      viewportCentre: () => {
        const r = document.querySelector('.react-flow')?.getBoundingClientRect()
        return r
          ? flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 })
          : { x: 0, y: 0 }
      },
      layout: async () => {
        const s = store.getState()
        const graph = await autoLayout(s.graph)
        s.commit(graph)
        setTimeout(() => void flow.fitView({ ...FIT_VIEW_OPTIONS, duration: 300 }), 30)
      },
      openSave: () => {
        if (readOnly) return
        if (!isDirty(store.getState())) toast('No changes to save')
        else setSaveOpen(true)
      },
      toggleHelp: () => setHelp((h) => !h),
      exportAs: (kind) => exportGraph(store.getState().graph, kind),
      clipboard: {
        write: async (text) => {
          memory = text
          await navigator.clipboard?.writeText(text).catch(() => undefined)
        },
        read: async () => {
          try {
            const text = await navigator.clipboard.readText()
            return text || memory
          } catch {
            return memory
          }
        },
      },
      notify: (m) => toast(m),
    }
  }, [store, readOnly, flow])
  useKeyboard(ctx)

  const errors = useEditor((s) => s.issues.filter((i) => i.severity === 'error').length)
  const dirty = useEditor(isDirty)
  const version = useEditor((s) => s.baseVersion)
  const published = useEditor((s) => s.publishedVersion)
  const problemCount = useEditor((s) => s.issues.length)
  const publishReason = !verdictReady
    ? 'Checking the connections this workflow uses…'
    : errors > 0
      ? `Fix ${errors} error${errors > 1 ? 's' : ''} before publishing`
      : dirty
        ? 'Save your changes before publishing'
        : published === version
          ? `Version ${version} is already published`
          : null

  const publish = async () => {
    const s = store.getState()
    setPublishRefusal(null)
    try {
      await mutations.publish.mutateAsync({ id: s.workflowId, version: s.baseVersion })
      s.setPublished(s.baseVersion)
      toast(`Version ${s.baseVersion} is published: real events now run it`, 'success')
      // Publishing is half of going live: the other half is pointing events at it.
      setTrigger('published')
    } catch (err) {
      // A refusal (failing test case, validation errors) stays in the toolbar: it is the to-do list.
      if (errorCode(err) === 'PRECONDITION_FAILED') setPublishRefusal(errorMessage(err))
      else toast(`Cannot publish: ${errorMessage(err)}`, 'error')
    }
  }

  const runFromToolbar = async () => {
    setTab('run')
    store.getState().select({ nodes: [], edges: [] })
    setRunSegment((await runs.start()) ? 'steps' : 'setup')
  }
  const showTests = () => {
    setTab('run')
    setRunSegment('tests')
  }

  const tabButton = (id: Tab, label: string, badge?: number) => (
    <button
      type="button"
      role="tab"
      aria-selected={tab === id}
      data-testid={`panel-tab-${id}`}
      onClick={() => setTab(id)}
      className={`relative -mb-px flex items-center gap-1.5 border-b-2 px-3 py-2.5 text-[12.5px] font-medium ${
        tab === id
          ? 'border-indigo-600 text-slate-900'
          : 'border-transparent text-slate-500 hover:text-slate-800'
      }`}
    >
      {label}
      {badge !== undefined && badge > 0 && (
        <span
          className={`rounded-full px-1.5 text-[11px] ${errors ? 'bg-red-100 text-red-700' : 'bg-amber-100 text-amber-800'}`}
        >
          {badge}
        </span>
      )}
    </button>
  )

  return (
    <div className="flex h-full flex-col">
      <Toolbar
        ctx={ctx}
        analytics={<AnalyticsToggle />}
        readOnly={readOnly}
        readOnlyReason={readOnlyReason}
        onShowTrigger={() => setTrigger('open')}
        actions={
          user.role === 'viewer' ? undefined : (
            <EditorActions
              store={store}
              archived={archived}
              everPublished={everPublished}
              reload={() =>
                void loadLatest().catch((err) => toast(`Could not reload: ${errorMessage(err)}`, 'error'))
              }
            />
          )
        }
        publishReason={publishReason}
        publishing={mutations.publish.isPending}
        onPublish={() => void publish()}
        onShowProblems={() => setTab('problems')}
        onRun={() => void runFromToolbar()}
        running={runs.starting}
        publishRefusal={publishRefusal}
        onDismissRefusal={() => setPublishRefusal(null)}
        onShowTests={showTests}
      />
      {rescued && (
        <div
          className="flex items-center gap-3 border-b border-amber-200 bg-amber-50 px-4 py-2 text-[12.5px] text-amber-900"
          data-testid="rescued-banner"
        >
          <span className="flex-1">
            You are now on the latest version. Your unsaved version is kept here until you dismiss it.
          </span>
          <Button size="sm" onClick={() => exportGraph(rescued, 'flow', '-my-version')}>
            Download my version
          </Button>
          <Button size="sm" disabled={busy} onClick={() => void saveCopy(rescued)}>
            Save it as a copy
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setRescued(null)}>
            Dismiss
          </Button>
        </div>
      )}
      <div className="flex min-h-0 flex-1">
        {!readOnly && (
          <div className="w-[196px] shrink-0 border-r border-slate-200 bg-white">
            <Palette />
          </div>
        )}
        <div className="relative min-w-0 flex-1 bg-slate-50" data-testid="canvas">
          <Canvas readOnly={readOnly} />
          <RunBanner visible={tab === 'run'} />
          <EditorAnalyticsBar />
        </div>
        {/* The run tab holds JSON and step timings: it gets a little more room. */}
        <div
          className={`flex shrink-0 flex-col border-l border-slate-200 bg-white ${tab === 'run' ? 'w-[400px]' : 'w-[340px]'}`}
        >
          <div role="tablist" className="flex shrink-0 border-b border-slate-200 px-1">
            {tabButton('inspector', 'Inspector')}
            {tabButton('text', 'Text')}
            {tabButton('problems', 'Problems', problemCount)}
            {tabButton('run', 'Run')}
          </div>
          <div className="relative min-h-0 flex-1">
            <div className={`absolute inset-0 ${tab === 'inspector' ? '' : 'hidden'}`}>
              <Inspector readOnly={readOnly} />
            </div>
            <div className={`absolute inset-0 ${tab === 'text' ? '' : 'hidden'}`}>
              {textOpened && (
                <Suspense
                  fallback={<p className="p-4 text-[12.5px] text-slate-400">Loading the text view…</p>}
                >
                  <TextView readOnly={readOnly} visible={tab === 'text'} />
                </Suspense>
              )}
            </div>
            <div className={`absolute inset-0 ${tab === 'problems' ? '' : 'hidden'}`}>
              <ProblemsList />
            </div>
            <div className={`absolute inset-0 ${tab === 'run' ? '' : 'hidden'}`}>
              <RunPanel
                controller={runs}
                segment={runSegment}
                onSegment={setRunSegment}
                readOnly={readOnly}
                visible={tab === 'run'}
                saveDraft={() => save('Saved for a live run')}
              />
            </div>
          </div>
        </div>
      </div>
      {help && <HelpOverlay readOnly={readOnly} onClose={() => setHelp(false)} />}
      {trigger && (
        <TriggerDialog
          workflowId={store.getState().workflowId}
          publishedVersion={published}
          canEdit={!readOnly}
          justPublished={trigger === 'published'}
          onClose={() => setTrigger(null)}
        />
      )}
      {saveOpen && (
        <SaveDialog
          nextVersion={version + 1}
          pending={mutations.save.isPending}
          errorCount={errors}
          onSave={(m) => void save(m)}
          onClose={() => setSaveOpen(false)}
        />
      )}
      {conflict && (
        <ConflictDialog
          message={conflict}
          busy={busy}
          onReload={() => void reloadLatest()}
          onSaveCopy={() => void saveCopy(store.getState().graph)}
          onDownload={() => exportGraph(store.getState().graph, 'flow', '-my-version')}
          onClose={() => setConflict(null)}
        />
      )}
    </div>
  )
}
