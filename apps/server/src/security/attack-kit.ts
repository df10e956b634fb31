import { TRPCError } from '@trpc/server'
import type { Db } from '../db'
import type { Workflow } from '../services/engine'
import type { TestApp } from '../testing/harness'

/**
 * Shared by the attack suite (security/*.test.ts): every test performs one attack, then
 * checks the refusal and that nothing changed. "Nothing changed" is a snapshot of the tables
 * the attack aimed at, compared before and after.
 */

/** `OK`, or `CODE: message` of the tRPC error the attempt was refused with. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'OK'
  } catch (err) {
    return err instanceof TRPCError
      ? `${err.code}: ${err.message}`
      : `non-tRPC error: ${(err as Error).message}`
  }
}

export type Table =
  | 'workflows'
  | 'workflow_versions'
  | 'connections'
  | 'users'
  | 'sessions'
  | 'runs'
  | 'run_trace'
  | 'data_store'
  | 'sources'
  | 'source_subscriptions'

/** Every row of the tables, in a stable order: what "nothing changed" is checked against. */
export async function snapshot(db: Db, tables: Table[]): Promise<string> {
  const parts: unknown[] = []
  for (const table of tables) {
    const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[]
    parts.push(table, rows.map((r) => JSON.stringify(r)).sort())
  }
  return JSON.stringify(parts)
}

/** A workflow of one step between a start and an end: the shape most attacks need. */
export function oneStep(type: string, config: Record<string, unknown>, title = 'Attack'): Workflow {
  return {
    title,
    description: '',
    groups: [],
    nodes: [
      { id: 's', group: null, shape: 'circle', label: 'Start', type: 'start', config: {} },
      { id: 'x', group: null, shape: 'rectangle', label: 'Step', type, config },
      { id: 'e', group: null, shape: 'circle', label: 'End', type: 'end', config: {} },
    ],
    edges: [
      { id: 's->x', source: 's', sourceHandle: 'right', target: 'x', targetHandle: 'left' },
      { id: 'x->e', source: 'x', sourceHandle: 'right', target: 'e', targetHandle: 'left' },
    ],
  }
}

/** Start → end: a workflow any event runs to success. */
export const passThrough: Workflow = {
  title: 'Pass through',
  description: '',
  groups: [],
  nodes: [
    { id: 's', group: null, shape: 'circle', label: 'Start', type: 'start', config: {} },
    { id: 'e', group: null, shape: 'circle', label: 'End', type: 'end', config: {} },
  ],
  edges: [{ id: 's->e', source: 's', sourceHandle: 'right', target: 'e', targetHandle: 'left' }],
}

export const sampleEvent = { type: 'track', event: 'Order Completed', userId: 'u-1', messageId: 'm-1' }

export interface RunView {
  run: { id: string; status: string; error: string | null }
  events: { type: string; nodeId?: string; output?: unknown; request?: unknown; error?: string }[]
}

/** A test run of `model` as the editor, to its end. */
export async function testRun(
  app: TestApp,
  model: Workflow,
  opts: { live?: boolean; event?: unknown } = {},
): Promise<RunView> {
  const editor = app.as(app.users.editor)
  const { id } = await editor.workflows.create({ model })
  const { runId } = await editor.runs.start({
    workflowId: id,
    event: opts.event ?? sampleEvent,
    live: opts.live,
  })
  return finished(app, runId)
}

export async function finished(app: TestApp, runId: string): Promise<RunView> {
  for (let i = 0; i < 1_000; i++) {
    const view = (await app.as(app.users.viewer).runs.get({ runId })) as unknown as RunView
    if (!['queued', 'running', 'waiting'].includes(view.run.status)) return view
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`run ${runId} did not finish`)
}

/** `[[[…]]]`: valid JSON nested `depth` levels deep, as text (building it as a value would overflow). */
export const nested = (depth: number, inner = '') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`
