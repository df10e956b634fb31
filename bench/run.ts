export {}

// `npm run bench`: every benchmark prints its own figures; a missing one is reported, not fatal.
// `named`: runs only when asked for by name (it compares two checkouts, not one).
type Bench = { name: string; load: () => Promise<() => Promise<void>>; named?: boolean }

const benches: Bench[] = [
  { name: 'engine: notation and validation', load: async () => (await import('./engine-dsl.ts')).benchDsl },
  { name: 'engine: executor', load: async () => (await import('./engine-run.ts')).benchRun },
  { name: 'engine: JSONata steps', load: async () => (await import('./jsonata-steps.ts')).benchJsonataSteps },
  { name: 'server: webhook throughput', load: async () => (await import('./server.ts')).benchServer },
  {
    name: 'server: live runs (separate processes)',
    load: async () => (await import('./live.ts')).benchLive,
  },
  {
    name: 'machine: wake cost of an idle core',
    load: async () => (await import('./wake-cost.ts')).benchWakeCost,
  },
  {
    name: 'server: side by side (two versions at once)',
    load: async () => (await import('./live-ab.ts')).benchLiveAb,
    named: true,
  },
  { name: 'server: run HTTP calls', load: async () => (await import('./run-calls.ts')).benchRunCalls },
  { name: 'server: run encoding', load: async () => (await import('./run-encoding.ts')).benchRunEncoding },
  { name: 'server: run writes (SQLite)', load: async () => (await import('./run-writes.ts')).benchRunWrites },
  { name: 'server: run memory', load: async () => (await import('./run-memory.ts')).benchRunMemory },
  { name: 'server: Segment batch intake', load: async () => (await import('./tracking.ts')).benchTracking },
  { name: 'server: 100,000 waiting runs', load: async () => (await import('./waits.ts')).benchWaits },
  {
    name: 'server: analytics of 1,000,000 runs',
    load: async () => (await import('./analytics.ts')).benchAnalytics,
  },
  { name: 'web: editor', load: async () => (await import('./web.ts')).benchWeb },
  { name: 'web: trace latency', load: async () => (await import('./trace-latency.ts')).benchTraceLatency },
]

const only = process.argv.slice(2)
let failed = false
for (const bench of benches) {
  const asked = only.some((o) => bench.name.includes(o))
  if ((only.length > 0 || bench.named) && !asked) continue
  console.log(`\n## ${bench.name}`)
  try {
    await (await bench.load())()
  } catch (err) {
    failed = true
    console.log(`  failed: ${(err as Error).message}`)
  }
}
process.exitCode = failed ? 1 : 0
