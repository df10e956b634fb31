import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { REPO_ROOT } from './child-server'
import { nodeFlagsOf } from './node-flags'

describe('node flags of npm start', () => {
  const dirs: string[] = []
  const withScripts = (scripts: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'flowline-flags-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts }))
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('are what the start and worker scripts give node before the TypeScript loader', () => {
    const dir = withScripts({
      start:
        'npm run build && node --max-semi-space-size=32 --stack-size=2000 --import tsx apps/server/src/main.ts',
      worker: 'node --import tsx apps/server/src/worker.ts',
    })
    expect(nodeFlagsOf('start', dir)).toEqual(['--max-semi-space-size=32', '--stack-size=2000'])
    expect(nodeFlagsOf('worker', dir)).toEqual([])
  })

  it('give this checkout’s server and workers the larger young generation, old-generation headroom and no pretenuring', () => {
    for (const script of ['start', 'worker'] as const) {
      expect(nodeFlagsOf(script, REPO_ROOT)).toContain('--max-semi-space-size=32')
      expect(nodeFlagsOf(script, REPO_ROOT)).toContain('--heap-growing-percent=300')
      expect(nodeFlagsOf(script, REPO_ROOT)).toContain('--no-allocation-site-pretenuring')
    }
  })
})
