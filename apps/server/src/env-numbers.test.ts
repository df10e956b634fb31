import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { envInt } from './env-numbers'
import { NOT_INHERITED, REPO_ROOT } from './testing/child-server'

describe('whole-number settings', () => {
  it('reads what is set and leaves the default to the caller when unset or empty', () => {
    const env = { A: '128', B: ' 64 ', C: '', D: '-250' }
    expect(envInt(env, 'A', 1)).toBe(128)
    expect(envInt(env, 'B', 1)).toBe(64)
    expect(envInt(env, 'C', 1)).toBeUndefined()
    expect(envInt(env, 'MISSING', 1)).toBeUndefined()
    expect(envInt(env, 'D')).toBe(-250)
  })

  it('refuses anything else, naming the variable and what it holds', () => {
    const env = { WORD: 'abc', TYPO: '1O', HALF: '1.5', ZERO: '0', HUGE: '1e30' }
    expect(() => envInt(env, 'WORD', 1)).toThrow('WORD must be a whole number of at least 1, not "abc"')
    expect(() => envInt(env, 'TYPO', 1)).toThrow('not "1O"')
    expect(() => envInt(env, 'HALF', 0)).toThrow('HALF must be a whole number of at least 0, not "1.5"')
    expect(() => envInt(env, 'ZERO', 1)).toThrow('ZERO must be a whole number of at least 1, not "0"')
    expect(() => envInt(env, 'HUGE')).toThrow('HUGE must be a whole number, not "1e30"')
  })

  it('stops the server at start, saying which setting is wrong', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flowline-env-'))
    try {
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !NOT_INHERITED.test(k)),
      )
      const started = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
        cwd: REPO_ROOT,
        env: { ...inherited, FLOWLINE_DATA_DIR: dataDir, PORT: '0', FLOWLINE_RUN_CONCURRENCY: 'abc' },
        encoding: 'utf8',
        timeout: 30_000,
      })
      expect(started.status).toBe(1)
      expect(started.stdout + started.stderr).toContain(
        'FLOWLINE_RUN_CONCURRENCY must be a whole number of at least 1, not \\"abc\\"',
      )
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
