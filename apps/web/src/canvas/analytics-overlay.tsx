import { createContext, useContext } from 'react'

/**
 * Traffic numbers drawn over the canvas (issue 22). A context, not the editor store: the
 * numbers are server data (TanStack Query, pages/analytics/) and the same canvas parts show
 * them in the editor and in the audit view. null: analytics are off, nothing is drawn.
 */
export interface AnalyticsOverlay {
  nodes: Record<string, { reached: number; succeeded: number; failed: number; waiting: number }>
  /** `branch`: its source picks one of its edges (decision, A/B split, wait), so the share tells. */
  edges: Record<
    string,
    {
      count: number
      share: number | null
      branch: boolean
      /**
       * Branch preview only: the published version's numbers for the same replayed events,
       * drawn as `before → now`; null for an edge new in the draft.
       */
      before?: { count: number; share: number | null } | null
    }
  >
  /** End nodes' completions. */
  ends: Record<string, number>
}

export const AnalyticsOverlayContext = createContext<AnalyticsOverlay | null>(null)

export const useAnalyticsOverlay = () => useContext(AnalyticsOverlayContext)

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })
/** 1234 → "1.2K": badges stay small at any volume. */
export const formatCount = (n: number): string => (n < 10_000 ? n.toLocaleString('en') : compact.format(n))
export const formatShare = (share: number | null): string =>
  share === null ? '–' : `${Math.round(share * 100)} %`
