import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '.'
import { CHECKPOINT_EVERY_MS, RESTART_AT_PAGES } from './checkpointer'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

// The WAL header's checkpoint sequence number: SQLite counts up each time the WAL starts over.
function walGeneration(file: string): number {
  const header = Buffer.alloc(16)
  const fd = openSync(`${file}-wal`, 'r')
  try {
    readSync(fd, header, 0, 16, 0)
  } finally {
    closeSync(fd)
  }
  return header.readUInt32BE(12)
}

// A fresh server database with a table to fill, and its file.
async function fillerDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'flowline-checkpointer-'))
  dirs.push(dir)
  const { db, raw } = await openDatabase({ dataDir: dir })
  if (raw.kind !== 'sqlite') throw new Error('SQLite only')
  raw.sqlite.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, text TEXT)')
  const insert = raw.sqlite.prepare('INSERT INTO filler (text) VALUES (?)')
  return { dir, db, raw, file: join(dir, 'flowline.db'), insert }
}

describe('the SQLite checkpointer', () => {
  it("copies what the server wrote into the database file without the server's connection doing it", async () => {
    const { dir, db, raw, file, insert } = await fillerDatabase()
    const before = statSync(file).size
    // 8 MB: far below the server connection's own checkpoint threshold (about 200 MB).
    raw.sqlite.transaction(() => {
      for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(4_000))
    })()
    expect(statSync(file).size).toBe(before)
    const deadline = Date.now() + 20 * CHECKPOINT_EVERY_MS
    while (statSync(file).size < before + 8_000_000 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50))
    expect(statSync(file).size).toBeGreaterThan(before + 8_000_000)
    await db.destroy()
    // Closed with the database: it opens again at once and still holds every row.
    const again = await openDatabase({ dataDir: dir })
    if (again.raw.kind !== 'sqlite') throw new Error('SQLite only')
    expect(again.raw.sqlite.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 2_000 })
    await again.db.destroy()
  })

  it('starts a large WAL over, and tells writers to wait meanwhile instead of blocking', async () => {
    const { db, raw, file, insert } = await fillerDatabase()
    // One row per page: past the size at which the checkpointer starts the WAL over.
    raw.sqlite.transaction(() => {
      for (let i = 0; i < RESTART_AT_PAGES + 500; i++) insert.run('x'.repeat(3_000))
    })()
    const before = walGeneration(file)
    expect(raw.whenWritable()).toBeUndefined()
    // A write in progress, as the server's always are under load: the checkpointer copies
    // around it, then has to wait for the write lock to start the WAL over.
    raw.sqlite.exec('BEGIN IMMEDIATE')
    insert.run('in progress')
    let locked = raw.whenWritable()
    const deadline = Date.now() + 20 * CHECKPOINT_EVERY_MS
    while (!locked && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10))
      locked = raw.whenWritable()
    }
    expect(locked).toBeInstanceOf(Promise)
    raw.sqlite.exec('COMMIT')
    await locked
    insert.run('after')
    // The write after it started the WAL over, at the beginning of the file.
    expect(walGeneration(file)).toBe(before + 1)
    expect(raw.sqlite.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({
      n: RESTART_AT_PAGES + 502,
    })
    await db.destroy()
  })
})
