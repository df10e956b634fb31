import { describe, expect, it } from 'vitest'
import { auditLogPath, diffPath, historyPath, INBOX_PATH, parseRoute, runPath, runsPath } from './router'

describe('parseRoute', () => {
  it('keeps the editor routes', () => {
    expect(parseRoute('')).toEqual({ name: 'workflows' })
    expect(parseRoute('#/workflows/')).toEqual({ name: 'workflows' })
    expect(parseRoute('#/workflows/a%20b')).toEqual({ name: 'editor', id: 'a b' })
  })

  it('round-trips the audit and run paths it builds', () => {
    expect(parseRoute(`#${historyPath('wf-1')}`)).toEqual({ name: 'history', id: 'wf-1' })
    expect(parseRoute(`#${historyPath('wf-1', 3)}`)).toEqual({ name: 'history', id: 'wf-1', version: 3 })
    expect(parseRoute(`#${diffPath('wf-1', 2, 5)}`)).toEqual({ name: 'diff', id: 'wf-1', from: 2, to: 5 })
    expect(parseRoute(`#${runPath('r/1')}`)).toEqual({ name: 'run', runId: 'r/1' })
    expect(parseRoute('#/audit')).toEqual({ name: 'audit-workflows' })
    expect(parseRoute(`#${INBOX_PATH}`)).toEqual({ name: 'inbox' })
  })

  it('carries list filters in the query and drops empty ones', () => {
    expect(runsPath({ status: 'failed', kind: '', version: 2 })).toBe('/runs?status=failed&version=2')
    expect(parseRoute(`#${runsPath({ status: 'failed', workflow: 'a&b' })}`)).toEqual({
      name: 'runs',
      query: { status: 'failed', workflow: 'a&b' },
    })
    expect(parseRoute(`#${auditLogPath({ actor: 'x@y.io' })}`)).toEqual({
      name: 'audit-log',
      query: { actor: 'x@y.io' },
    })
  })

  it('knows the people pages and the public set-password link', () => {
    expect(parseRoute('#/people')).toEqual({ name: 'people' })
    expect(parseRoute('#/account')).toEqual({ name: 'account' })
    expect(parseRoute('#/set-password/Ab_9-x')).toEqual({ name: 'set-password', token: 'Ab_9-x' })
  })

  it('says what it did not find', () => {
    expect(parseRoute('#/nope?x=1')).toEqual({ name: 'not-found', path: '/nope?x=1' })
  })
})
