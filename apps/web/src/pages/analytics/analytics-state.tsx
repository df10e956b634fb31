import { createContext, useCallback, useContext, useMemo, useState } from 'react'
import {
  type PreviewStatus,
  usePreviewStatus,
  useWorkflowAnalytics,
  type WorkflowAnalytics,
} from '../../api/analytics'
import { AnalyticsOverlayContext } from '../../canvas/analytics-overlay'
import { previewOverlay } from './preview-overlay'

export type WindowName = 'hour' | 'day' | 'week' | 'custom'

export const WINDOWS: { value: WindowName; label: string; ms: number }[] = [
  { value: 'hour', label: 'Last hour', ms: 3_600_000 },
  { value: 'day', label: 'Last 24 hours', ms: 86_400_000 },
  { value: 'week', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: 'custom', label: 'Custom…', ms: 0 },
]

interface AnalyticsState {
  workflowId: string
  open: boolean
  setOpen(open: boolean): void
  window: WindowName
  setWindow(w: WindowName): void
  /** Custom window ends, as `datetime-local` values (local time). */
  custom: { from: string; to: string }
  setCustom(c: { from: string; to: string }): void
  /** null: every version. */
  version: number | null
  setVersion(v: number | null): void
  /** A/B split id → the step chosen as its conversion (splits left out: found by name). */
  goals: Record<string, string>
  setGoal(splitId: string, nodeId: string): void
  data: WorkflowAnalytics | undefined
  loading: boolean
  error: unknown
  /** The branch preview shown on the canvas instead of the window's numbers (null: none). */
  previewId: string | null
  setPreviewId(id: string | null): void
  preview: PreviewStatus | undefined
  /** The preview could not be read (e.g. forgotten after 30 minutes or a restart). */
  previewError: unknown
}

const AnalyticsStateContext = createContext<AnalyticsState | null>(null)

/** The analytics toggle, window and version of one workflow's canvas, and their numbers. */
export function useAnalyticsState(): AnalyticsState | null {
  return useContext(AnalyticsStateContext)
}

const localInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

// Per browser, not per account: the choice changes only how this person reads the numbers.
const goalsKey = (workflowId: string) => `flowline:analytics-goals:${workflowId}`

function storedGoals(workflowId: string): Record<string, string> {
  try {
    const saved = JSON.parse(localStorage.getItem(goalsKey(workflowId)) ?? '{}') as unknown
    if (!saved || typeof saved !== 'object' || Array.isArray(saved)) return {}
    return Object.fromEntries(Object.entries(saved).filter(([, v]) => typeof v === 'string' && v))
  } catch {
    return {}
  }
}

// Rounded to the minute: the query key (and the server's answer) stays put between polls.
const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000

function windowRange(window: WindowName, custom: { from: string; to: string }) {
  if (window === 'custom') {
    const from = Date.parse(custom.from)
    const to = Date.parse(custom.to)
    if (Number.isNaN(from) || Number.isNaN(to) || from > to) return null
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString() }
  }
  const to = minute(Date.now())
  const span = WINDOWS.find((w) => w.value === window)!.ms
  return { from: new Date(to - span).toISOString(), to: new Date(to).toISOString() }
}

/**
 * Holds the analytics choices of a canvas and provides the numbers to the canvas overlay
 * (AnalyticsOverlayContext) only while analytics are on.
 */
export function AnalyticsProvider({
  workflowId,
  children,
}: {
  workflowId: string
  children: React.ReactNode
}) {
  const [open, setOpen] = useState(false)
  const [window, setWindow] = useState<WindowName>('day')
  const [custom, setCustom] = useState(() => ({
    from: localInput(Date.now() - 86_400_000),
    to: localInput(Date.now()),
  }))
  const [version, setVersion] = useState<number | null>(null)
  const [goalState, setGoalState] = useState(() => ({ workflowId, goals: storedGoals(workflowId) }))
  const goals = goalState.workflowId === workflowId ? goalState.goals : storedGoals(workflowId)
  const setGoal = useCallback(
    (splitId: string, nodeId: string) =>
      setGoalState((prev) => {
        const next = { ...(prev.workflowId === workflowId ? prev.goals : storedGoals(workflowId)) }
        if (nodeId) next[splitId] = nodeId
        else delete next[splitId]
        try {
          localStorage.setItem(goalsKey(workflowId), JSON.stringify(next))
        } catch {
          // Storage full or off: the choice lasts until the page reloads.
        }
        return { workflowId, goals: next }
      }),
    [workflowId],
  )
  const [previewId, setPreviewId] = useState<string | null>(null)
  const preview = usePreviewStatus(open ? previewId : null)
  const range = windowRange(window, custom)
  const query = useWorkflowAnalytics(
    {
      workflowId,
      version,
      from: range?.from ?? '',
      to: range?.to ?? '',
      ...(Object.keys(goals).length > 0 ? { goals } : {}),
    },
    open && range !== null,
  )
  const state = useMemo<AnalyticsState>(
    () => ({
      workflowId,
      open,
      setOpen,
      window,
      setWindow,
      custom,
      setCustom,
      version,
      setVersion,
      goals,
      setGoal,
      data: query.data,
      loading: query.isFetching,
      error: query.error,
      previewId,
      setPreviewId,
      preview: preview.data,
      previewError: preview.error,
    }),
    [
      workflowId,
      open,
      window,
      custom,
      version,
      goals,
      setGoal,
      query.data,
      query.isFetching,
      query.error,
      previewId,
      preview.data,
      preview.error,
    ],
  )
  const overlay = !open
    ? null
    : previewId && preview.data
      ? previewOverlay(preview.data)
      : (query.data ?? null)
  return (
    <AnalyticsStateContext.Provider value={state}>
      <AnalyticsOverlayContext.Provider value={overlay}>{children}</AnalyticsOverlayContext.Provider>
    </AnalyticsStateContext.Provider>
  )
}
