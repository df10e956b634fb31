import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../db'
import { REPO_ROOT } from '../testing/child-server'

const WRITER = join(REPO_ROOT, 'apps/server/src/testing/wal-writer.ts')
// The writer keeps the last this many rows (one page each) and deletes older ones.
const KEPT = 4_000

/**
 * Runs the writer until `when` says to kill it, then kills it with SIGKILL. Returns the
 * last id it reported committed, and how many WAL restarts it waited for.
 */
function writeUntilKilled(
  dataDir: string,
  when: (line: string, committed: number) => boolean,
): Promise<{ committed: number; restarts: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, String(KEPT)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let committed = 0
    let restarts = 0
    let buffered = ''
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.stdout.on('data', (chunk) => {
      buffered += chunk
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        if (line.startsWith('committed ')) committed = Number(line.slice('committed '.length))
        if (line === 'restarting') restarts++
        if (!child.killed && when(line, committed)) child.kill('SIGKILL')
      }
    })
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve({ committed, restarts })
      else reject(new Error(`the writer stopped on its own: ${stderr}`))
    })
  })
}

describe('SQLite across kill -9 while the WAL starts over', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowline-wal-restart-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('keeps every committed row and a sound database file', async () => {
    let committed = 0
    // Killed the moment it has to wait for a restart (the checkpointer holds the write
    // lock, copying and syncing), then at a moment of nobody's choosing after a few.
    for (const round of [1, 2, 3, 4]) {
      const killAt = committed + 20_000 + Math.floor(Math.random() * 20_000)
      const result = await writeUntilKilled(dataDir, (line, last) =>
        round % 2 === 1 ? line === 'restarting' : last >= killAt,
      )
      expect(result.committed).toBeGreaterThan(committed)
      if (round % 2 === 1) expect(result.restarts).toBe(1)
      committed = result.committed
      const { db, raw } = await openDatabase({ dataDir })
      if (raw.kind !== 'sqlite') throw new Error('SQLite only')
      expect(raw.sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
      const stored = raw.sqlite
        .prepare('SELECT count(*) AS n, min(id) AS first, max(id) AS last FROM filler')
        .get() as { n: number; first: number; last: number }
      // Nothing reported committed is missing, and no commit is torn: exactly the last KEPT.
      expect(stored.last).toBeGreaterThanOrEqual(committed)
      expect(stored).toEqual({ n: KEPT, first: stored.last - KEPT + 1, last: stored.last })
      committed = stored.last
      await db.destroy()
    }
  })
})
