import type { Workflow } from '../lib/engine'
import type { LayoutRequest, LayoutResponse } from './layout.worker'

/**
 * `autoLayout` in one shared Web Worker, started on first use: the page never waits on elk.
 * Requests carry an owner; `cancelLayouts(owner)` drops that owner's queued work (the gallery
 * closing must not make the editor that is opening wait behind seven previews).
 */
type Pending = {
  request: LayoutRequest
  owner: string
  resolve: (positions: LayoutResponse) => void
  reject: (e: Error) => void
}

let worker: Worker | null = null
let nextId = 1
const pending = new Map<number, Pending>()

function start(): Worker {
  const w = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' })
  w.onmessage = ({ data }: MessageEvent<LayoutResponse>) => {
    const waiting = pending.get(data.id)
    pending.delete(data.id)
    waiting?.resolve(data)
  }
  w.onerror = (e) => {
    const error = new Error(e.message || 'layout failed')
    stop()
    for (const p of pending.values()) p.reject(error)
    pending.clear()
  }
  return w
}

function stop() {
  worker?.terminate()
  worker = null
}

/** The graph with every node placed by elk (node objects that did not move are kept). */
export async function layoutInWorker(model: Workflow, owner = 'editor'): Promise<Workflow> {
  worker ??= start()
  const id = nextId++
  const request: LayoutRequest = { id, model }
  const answer = await new Promise<LayoutResponse>((resolve, reject) => {
    pending.set(id, { request, owner, resolve, reject })
    worker!.postMessage(request)
  })
  if ('error' in answer) throw new Error(answer.error)
  return withPositions(model, new Map(answer.positions))
}

export function withPositions(model: Workflow, positions: ReadonlyMap<string, { x: number; y: number }>) {
  const nodes = model.nodes.map((n) => {
    const p = positions.get(n.id)
    return p && (n.position?.x !== p.x || n.position?.y !== p.y) ? { ...n, position: p } : n
  })
  return { ...model, nodes }
}

/** Drops an owner's queued layouts; the worker restarts with everyone else's. */
export function cancelLayouts(owner: string, reason = new Error('layout cancelled')) {
  const mine = [...pending.entries()].filter(([, p]) => p.owner === owner)
  if (mine.length === 0) return
  for (const [id, p] of mine) {
    pending.delete(id)
    p.reject(reason)
  }
  // The worker works through its queue in order: only a fresh one skips the dropped work.
  stop()
  if (pending.size > 0) {
    worker = start()
    for (const p of pending.values()) worker.postMessage(p.request)
  }
}
