import type { Workflow } from '../services/engine'
import { startStubServer } from './stub-server'

/**
 * A loopback stand-in for Braze's REST API, so production (live) runs of the template can
 * succeed in tests and benchmarks: answers every POST like Braze does and counts calls.
 */
export async function startFakeBraze() {
  let calls = 0
  const stub = await startStubServer(() => {
    calls++
    return { status: 201, body: { message: 'success', dispatch_id: `fake-${calls}` } }
  })
  return { url: stub.url, calls: () => calls, requests: stub.requests, close: stub.close }
}

/** The model with every Braze node sending through connection `connectionId`. */
export function withBraze(model: Workflow, connectionId: string): Workflow {
  return {
    ...model,
    nodes: model.nodes.map((n) =>
      n.type?.startsWith('braze-') ? { ...n, config: { ...(n.config as object), connectionId } } : n,
    ),
  }
}
