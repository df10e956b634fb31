import Database from 'better-sqlite3'
const db = new Database(process.argv[2] + '/flowline.db', { readonly: true })
const rows = db.prepare("select started_at s, finished_at f, duration_ms d from runs where kind='production' order by started_at").all() as { s: string; f: string; d: number }[]
const even = rows.slice(-Number(process.argv[3]))
const t0 = Date.parse(even[0].s)
const lat = even.map((r) => r.d).sort((a, b) => a - b)
console.log('p50', lat[lat.length >> 1], 'p99', lat[Math.floor(lat.length * 0.99)], 'max', lat.at(-1))
const buckets = new Map<number, number[]>()
for (const r of even) { const b = Math.floor((Date.parse(r.s) - t0) / 100); buckets.set(b, [...(buckets.get(b) ?? []), r.d]) }
for (const [b, ds] of [...buckets].sort((x, y) => x[0] - y[0])) if (Math.max(...ds) > 30) console.log(`${(b / 10).toFixed(1)}s n=${ds.length} max=${Math.max(...ds)} mean=${(ds.reduce((a, c) => a + c, 0) / ds.length).toFixed(1)}`)
