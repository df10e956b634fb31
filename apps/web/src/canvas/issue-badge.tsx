import { memo } from 'react'
import { humanMessage } from '../lib/human-messages'
import { useEditor } from '../store/context'
import { worstSeverity } from '../store/issues'
import type { Issue } from '../store/types'

/** A small red/amber marker whose tooltip lists the issues (also read out as its label). */
export const IssueBadge = memo(function IssueBadge({
  issues,
  className,
}: {
  issues?: Issue[]
  className?: string
}) {
  // Steps named by their label, as in the Problems list; a string, so only a changed text re-renders.
  const messages = useEditor((s) => (issues ? issues.map((i) => humanMessage(i, s.graph)).join('\n') : ''))
  const severity = worstSeverity(issues)
  if (!severity || !issues) return null
  const lines = messages.split('\n')
  const text = messages
  return (
    <div
      className={`group/badge absolute z-10 ${className ?? ''}`}
      data-testid="issue-badge"
      data-severity={severity}
    >
      <div
        role="img"
        aria-label={`${issues.length} ${severity === 'error' ? 'error' : 'warning'}${issues.length > 1 ? 's' : ''}: ${text}`}
        className={`flex h-[18px] min-w-[18px] items-center justify-center rounded-full px-1 text-[11px] font-semibold text-white shadow-sm ring-2 ring-white ${
          severity === 'error' ? 'bg-red-500' : 'bg-amber-500'
        }`}
      >
        {issues.length > 1 ? issues.length : '!'}
      </div>
      <div className="pointer-events-none absolute bottom-full left-1/2 mb-1.5 hidden w-max max-w-72 -translate-x-1/2 rounded-md bg-slate-900 px-2.5 py-1.5 text-left text-[12px] leading-snug text-white shadow-lg group-hover/badge:block">
        {issues.map((i, n) => (
          <div key={`${i.code}:${i.message}`} className="flex gap-1.5">
            <span className={i.severity === 'error' ? 'text-red-300' : 'text-amber-300'}>●</span>
            <span>{lines[n] ?? i.message}</span>
          </div>
        ))}
      </div>
    </div>
  )
})
