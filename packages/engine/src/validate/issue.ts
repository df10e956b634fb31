/** A validation finding (DESIGN §5 `--json` shape); errors block publishing, warnings do not. */
export interface Issue {
  severity: 'error' | 'warning'
  code: string
  message: string
  nodeId?: string
  edgeId?: string
}

export function error(code: string, message: string, at: { nodeId?: string; edgeId?: string } = {}): Issue {
  return withPlace({ severity: 'error', code, message }, at)
}

export function warning(code: string, message: string, at: { nodeId?: string; edgeId?: string } = {}): Issue {
  return withPlace({ severity: 'warning', code, message }, at)
}

// Optional fields are left out rather than set to undefined, so JSON and deep equality stay clean.
function withPlace(issue: Issue, at: { nodeId?: string; edgeId?: string }): Issue {
  if (at.nodeId !== undefined) issue.nodeId = at.nodeId
  if (at.edgeId !== undefined) issue.edgeId = at.edgeId
  return issue
}
