/**
 * A child process for the durability suite (wal-restart.test.ts): it writes to the SQLite
 * database in directory `argv[2]` without a pause, as the server does under load, and reports on
 * stdout (a pipe: written synchronously) each committed batch's last id, and each time it
 * has to wait while the checkpointer starts the WAL over. Each commit also deletes what
 * falls out of the last `argv[3]` ids, so the file stays small while the WAL sees every page.
 */
import { openDatabase } from '../db'

const ROWS_PER_COMMIT = 40
const ROW = 'x'.repeat(3_000)
const kept = Number(process.argv[3])

const { raw } = await openDatabase({ dataDir: process.argv[2] })
if (raw.kind !== 'sqlite') throw new Error('SQLite only')
raw.sqlite.exec('CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, text TEXT NOT NULL)')
const insert = raw.sqlite.prepare('INSERT INTO filler (text) VALUES (?)')
const forget = raw.sqlite.prepare('DELETE FROM filler WHERE id <= ?')
const commit = raw.sqlite.transaction(() => {
  let id = 0
  for (let i = 0; i < ROWS_PER_COMMIT; i++) id = Number(insert.run(ROW).lastInsertRowid)
  forget.run(id - kept)
  return id
})
process.stdout.write('ready\n')
for (;;) {
  const locked = raw.whenWritable()
  if (locked) {
    process.stdout.write('restarting\n')
    await locked
  }
  process.stdout.write(`committed ${commit()}\n`)
  await new Promise((resolve) => setImmediate(resolve))
}
