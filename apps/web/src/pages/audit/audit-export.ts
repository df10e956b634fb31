import type { AuditEntry } from '../../api/audit'

/**
 * The audit log as files. CSV cells that a spreadsheet would run as a formula (leading
 * `=`, `+`, `-`, `@`) are prefixed with `'`: audit details hold user-typed titles.
 */
const COLUMNS = ['id', 'at', 'actor', 'action', 'workflowId', 'workflowTitle', 'details'] as const

export function auditCsv(entries: readonly AuditEntry[], titles: ReadonlyMap<string, string>): string {
  const rows = entries.map((e) => [
    String(e.id),
    e.at,
    e.actor,
    e.action,
    e.workflowId ?? '',
    e.workflowId ? (titles.get(e.workflowId) ?? '') : '',
    JSON.stringify(e.details ?? {}),
  ])
  return `${[[...COLUMNS], ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`
}

export function auditJson(entries: readonly AuditEntry[], titles: ReadonlyMap<string, string>): string {
  const out = entries.map((e) => ({
    ...e,
    workflowTitle: e.workflowId ? (titles.get(e.workflowId) ?? null) : null,
  }))
  return `${JSON.stringify(out, null, 2)}\n`
}

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
