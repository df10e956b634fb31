import { describe, expect, it } from 'vitest'
import type { AuditEntry } from '../../api/audit'
import { auditCsv, auditJson, csvCell } from './audit-export'

const entries: AuditEntry[] = [
  {
    id: 2,
    at: '2025-01-02T10:00:00.000Z',
    actor: 'ed@x.io',
    action: 'workflow.save',
    workflowId: 'w1',
    details: { version: 2, message: 'tweak, "quoted"' },
  },
  {
    id: 1,
    at: '2025-01-01T10:00:00.000Z',
    actor: 'admin@x.io',
    action: 'auth.login',
    workflowId: null,
    details: {},
  },
]

describe('audit export', () => {
  it('writes one CSV row per entry with the workflow title, quoting as RFC 4180 says', () => {
    const csv = auditCsv(entries, new Map([['w1', 'Welcome, new users']]))
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe('id,at,actor,action,workflowId,workflowTitle,details')
    expect(lines[1]).toBe(
      '2,2025-01-02T10:00:00.000Z,ed@x.io,workflow.save,w1,"Welcome, new users","{""version"":2,""message"":""tweak, \\""quoted\\""""}"',
    )
    expect(lines[2]).toBe('1,2025-01-01T10:00:00.000Z,admin@x.io,auth.login,,,{}')
  })

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvCell('-1')).toBe("'-1")
    expect(csvCell('plain')).toBe('plain')
  })

  it('writes JSON with the same entries and titles', () => {
    const parsed = JSON.parse(auditJson(entries, new Map([['w1', 'Welcome']])))
    expect(parsed[0]).toMatchObject({ id: 2, workflowTitle: 'Welcome', details: { version: 2 } })
    expect(parsed[1].workflowTitle).toBeNull()
  })
})
