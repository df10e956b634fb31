import type { Role } from '../../api/trpc'

/** What each role may do, in the words the People page and the invite dialog use. */
export const ROLES: { id: Role; label: string; can: string }[] = [
  { id: 'viewer', label: 'Viewer', can: 'Reads workflows, runs and the audit log' },
  { id: 'editor', label: 'Editor', can: 'Edits, test-runs and publishes workflows' },
  { id: 'admin', label: 'Admin', can: 'Everything an editor does, and manages people' },
]

export const roleLabel = (role: Role) => ROLES.find((r) => r.id === role)?.label ?? role
