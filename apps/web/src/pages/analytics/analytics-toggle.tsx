import { Button } from '../../ui/button'
import { useAnalyticsState } from './analytics-state'

/** The toolbar's "Analytics" switch: traffic numbers on the canvas, on or off. */
export function AnalyticsToggle() {
  const state = useAnalyticsState()
  if (!state) return null
  return (
    <Button
      variant="ghost"
      data-testid="analytics-toggle"
      aria-pressed={state.open}
      aria-label="Analytics"
      title="Analytics: how many runs reached each step and took each branch"
      onClick={() => state.setOpen(!state.open)}
      className={`mr-0.5 ${state.open ? 'bg-indigo-50 text-indigo-700' : ''}`}
    >
      <BarsIcon />
      {/* Below 1400px the icon alone: the toolbar stays on one line at 1280px. */}
      <span className="hidden min-[1400px]:inline">Analytics</span>
    </Button>
  )
}

// Local: the shared icon set has no chart, and the toolbar is the only place that needs one.
const BarsIcon = () => (
  <svg
    width={13}
    height={13}
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth={2}
    aria-hidden
  >
    <line x1="6" y1="20" x2="6" y2="12" />
    <line x1="12" y1="20" x2="12" y2="4" />
    <line x1="18" y1="20" x2="18" y2="9" />
  </svg>
)
