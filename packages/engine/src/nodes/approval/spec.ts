import { z } from 'zod'
import type { NodeSpec } from '../spec'

export const APPROVED = 'approved'
export const REJECTED = 'rejected'
export const TIMEOUT = 'timeout'

/** Roles that may decide approvals: viewers only audit. */
export const DECIDING_ROLES = ['admin', 'editor'] as const

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** "editor, ana@example.com" or a list: roles and e-mail addresses, trimmed, e-mails lower-cased. */
export function assigneeList(value: string | string[]): string[] {
  const items = Array.isArray(value) ? value : value.split(',')
  return items
    .map((a) => a.trim())
    .filter((a) => a !== '')
    .map((a) => (a.includes('@') ? a.toLowerCase() : a))
}

function assigneeProblem(value: string | string[]): string | null {
  const list = assigneeList(value)
  if (list.length === 0) return 'name who decides: a role (editor, admin) or e-mail addresses'
  for (const a of list) {
    if (a === 'viewer') return 'viewers cannot decide approvals: name editor, admin or people'
    if (!(DECIDING_ROLES as readonly string[]).includes(a) && !EMAIL.test(a))
      return `"${a}" is neither a role (editor, admin) nor an e-mail address`
  }
  return null
}

export const approvalConfigSchema = z.object({
  assignees: z
    .union([z.string(), z.array(z.string())])
    .refine((v) => assigneeProblem(v) === null, { error: (i) => assigneeProblem(i.input as string) ?? '' })
    .describe('Who decides: roles (editor, admin) and e-mail addresses, separated by commas'),
  title: z
    .string()
    .trim()
    .min(1, 'an approval needs a title')
    .describe('What the task is called in the inbox'),
  details: z
    .string()
    .default('')
    .describe('What the person deciding should know; {{ expressions }} are filled in from the run'),
  timeout: z
    .union([z.number().nonnegative(), z.string()])
    .optional()
    .describe('How long to wait for a decision before taking the "timeout" branch. Empty: no limit'),
})
export type ApprovalConfig = z.infer<typeof approvalConfigSchema>

export const approvalSpec: NodeSpec<ApprovalConfig> = {
  id: 'approval',
  title: 'Approval',
  category: 'flow',
  icon: 'M16 11l2 2 4-4M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2M9 3a4 4 0 1 0 0 8 4 4 0 0 0 0-8z',
  description:
    'Pauses the run until a person approves or rejects it in their Inbox, or the timeout passes. Branches "approved", "rejected" and "timeout"; the output says who decided, when, and why.',
  shape: 'diamond',
  configSchema: approvalConfigSchema,
  defaultConfig: { assignees: 'editor', title: 'Approve this step', details: '', timeout: '2d' },
  sideEffect: false,
  durationFields: ['timeout'],
  templateFields: ['title', 'details'],
  routing: 'one',
  branchLabels: () => [APPROVED, REJECTED, TIMEOUT],
  exampleOutput: {
    decision: 'approved',
    by: 'ana@example.com',
    comment: 'Looks right',
    at: '2026-01-01T12:00:00.000Z',
  },
}
