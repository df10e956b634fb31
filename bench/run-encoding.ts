/**
 * CPU per run for the text a live run stores (`npm run bench -- "run encoding"`; standalone:
 * `node --import tsx bench/run-encoding.ts`): the seed template's ~60 trace events and its
 * three checkpoints, from a real run of the engine against a stub fetch, written as the run
 * host writes them (events: one JSON.stringify per post), and events as the host wrote them
 * before (each event alone, then joined; and earlier still each through JSON.stringify
 * with its runId cut out after), all giving the same text.
 */
import { pathToFileURL } from 'node:url'
import { executeWorkflow, type RunState, type TraceEvent } from '../apps/server/src/services/engine'
import { compact, serializeState } from '../apps/server/src/services/execution/run-host'
import { personalizationEvents } from '../packages/engine/templates/personalization-samples'
import { STUB_BRAZE, seedModel, stubAnswer } from './seed-stubs'

const RUNS = Number(process.env.BENCH_ENCODE_RUNS ?? 20_000)

/** One seed run: its trace events and the states it checkpointed before each side effect. */
async function seedRun(): Promise<{ events: TraceEvent[]; states: RunState[]; flushes: number[] }> {
  const model = seedModel()
  const events: TraceEvent[] = []
  const states: RunState[] = []
  // How many events had been emitted at each checkpoint: the run host posts them then.
  const flushes: number[] = []
  await executeWorkflow(model, {
    event: personalizationEvents['page-push'],
    runId: '0197d7a0-1234-7abc-8def-0123456789ab',
    dryRun: false,
    fetch: async (url) =>
      new Response(stubAnswer(url), {
        status: 201,
        headers: { 'content-type': 'application/json' },
      }),
    resolveConnection: async () => STUB_BRAZE,
    onEvent: (e) => events.push(e),
    checkpoint: (s) => {
      flushes.push(events.length)
      states.push(structuredClone(s))
    },
  })
  return { events, states, flushes }
}

function cpuPerRun(fn: () => void): number {
  for (let i = 0; i < RUNS / 10; i++) fn()
  const start = process.cpuUsage()
  for (let i = 0; i < RUNS; i++) fn()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / RUNS
}

export async function benchRunEncoding(): Promise<void> {
  const { events, states, flushes } = await seedRun()
  // As the run host posts them: at each checkpoint and at the end, without their runId.
  const batches = [...flushes, events.length].map((end, i, ends) =>
    events
      .slice(i === 0 ? 0 : ends[i - 1], end)
      .map((e) => ({ ...e, runId: undefined }) as unknown as TraceEvent),
  )
  const inTrace = new Map(events.flatMap((e) => (e.type === 'node.finished' ? [[e.nodeId, true]] : [])))
  const bytes = (texts: string[]) => texts.reduce((n, t) => n + t.length, 0)
  const withoutRunId = (e: TraceEvent) => {
    const data = JSON.stringify(e)
    const head = `{"type":"${e.type}","runId":"${e.runId}",`
    return data.startsWith(head) ? `{"type":"${e.type}",${data.slice(head.length)}` : data
  }
  console.log(
    `  seed run: ${events.length} events (${bytes(events.map(compact))} chars stored), ` +
      `${states.length} checkpoints (${bytes(states.map((s) => serializeState(s, undefined, inTrace)))} chars)`,
  )
  const figures: [string, number][] = [
    [
      'trace events, as the run host writes them (one JSON.stringify per post)',
      cpuPerRun(() => {
        for (const batch of batches) JSON.stringify(batch)
      }),
    ],
    [
      'trace events, one at a time and joined per post, as written before (and still over 256 KiB)',
      cpuPerRun(() => {
        for (const batch of batches) `[${batch.map(compact).join(',')}]`
      }),
    ],
    [
      'trace events, JSON.stringify and the runId cut out',
      cpuPerRun(() => {
        for (const e of events) withoutRunId(e)
      }),
    ],
    [
      'checkpoints, as the run host writes them',
      cpuPerRun(() => {
        for (const s of states) serializeState(s, undefined, inTrace)
      }),
    ],
  ]
  for (const [label, us] of figures) console.log(`  ${label}: ${us.toFixed(1)} µs CPU per run`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchRunEncoding()
