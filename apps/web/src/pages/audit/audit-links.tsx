import { historyPath, runsPath } from '../../lib/router'
import { Icon } from '../../ui/icons'
import { Link } from './ui'

/**
 * "History" and "Runs" for one workflow, as compact links for the editor's toolbar or
 * header: the way from editing into the read-only audit views of the same workflow.
 */
export function AuditLinks({ workflowId, className = '' }: { workflowId: string; className?: string }) {
  const style =
    'inline-flex h-7 items-center gap-1 rounded-md px-2 text-[12.5px] font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900'
  return (
    <span className={`inline-flex items-center gap-0.5 ${className}`} data-testid="audit-links">
      <Link
        to={historyPath(workflowId)}
        className={style}
        testId="link-history"
        title="Versions, diffs and who changed what"
      >
        <Icon name="list" size={14} /> History
      </Link>
      <Link
        to={runsPath({ workflow: workflowId })}
        className={style}
        testId="link-runs"
        title="Test and production runs"
      >
        <Icon name="play" size={13} /> Runs
      </Link>
    </span>
  )
}
