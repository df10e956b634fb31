import type { Side } from '../lib/engine'
import type { XY } from './adapters'

/**
 * A small orthogonal router: A* over the grid of lines that run along the (inflated) borders
 * of every obstacle and between them. elk routes only the graphs it lays out; this routes any
 * positions (moved nodes, text edits, reopened versions), so every view draws the same path.
 *
 * An obstacle's interior is closed to a route; its border line is open, so routes keep the
 * inflation margin from the boxes they pass. `key` names what a route may be allowed through
 * (a group it enters or leaves).
 */
export interface Obstacle {
  key: string
  x1: number
  y1: number
  x2: number
  y2: number
}

const BEND = 28 // a turn costs as much as this many pixels of length: fewer, longer runs
const SHARED = 60 // running along another edge's line makes them read as one
const DIRS = [
  [1, 0],
  [0, 1],
  [-1, 0],
  [0, -1],
] as const
export const SIDE_DIR: Record<Side, number> = { right: 0, bottom: 1, left: 2, top: 3 }

export interface Router {
  /** A polyline from `from` (leaving towards `fromSide`) to `to` (entering from `toSide`), or null. */
  route(from: XY, fromSide: Side, to: XY, toSide: Side, passable: ReadonlySet<string>): XY[] | null
}

function axis(values: number[]): number[] {
  const sorted = [...new Set(values.map(Math.round))].sort((a, b) => a - b)
  const out: number[] = []
  // Midlines between neighbouring lines give routes a channel centred between boxes.
  for (let i = 0; i < sorted.length; i++) {
    out.push(sorted[i])
    if (i + 1 < sorted.length && sorted[i + 1] - sorted[i] > 24) out.push((sorted[i] + sorted[i + 1]) / 2)
  }
  return out
}

function indexOf(lines: number[], v: number): number {
  let lo = 0
  let hi = lines.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (lines[mid] < v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** `ports`: every point a route will start or end at, so each lies on the grid. */
export function createRouter(obstacles: readonly Obstacle[], ports: readonly XY[]): Router {
  const xs = axis([...obstacles.flatMap((o) => [o.x1, o.x2]), ...ports.map((p) => p.x)])
  const ys = axis([...obstacles.flatMap((o) => [o.y1, o.y2]), ...ports.map((p) => p.y)])
  const W = xs.length
  const H = ys.length
  // For each grid point and each step towards +x / +y: the obstacles whose interior it enters.
  const pointIn: string[][] = Array.from({ length: W * H }, () => [])
  const stepX: string[][] = Array.from({ length: W * H }, () => [])
  const stepY: string[][] = Array.from({ length: W * H }, () => [])
  for (const o of obstacles) {
    const i1 = indexOf(xs, o.x1)
    const i2 = indexOf(xs, o.x2)
    const j1 = indexOf(ys, o.y1)
    const j2 = indexOf(ys, o.y2)
    for (let i = i1; i <= i2 && i < W; i++)
      for (let j = j1; j <= j2 && j < H; j++) {
        const x = xs[i]
        const y = ys[j]
        const insideX = x > o.x1 && x < o.x2
        const insideY = y > o.y1 && y < o.y2
        if (insideX && insideY) pointIn[j * W + i].push(o.key)
        // A step's midpoint decides: grid lines include every border, so a step is wholly in or out.
        if (insideY && i + 1 < W && (x + xs[i + 1]) / 2 > o.x1 && (x + xs[i + 1]) / 2 < o.x2)
          stepX[j * W + i].push(o.key)
        if (insideX && j + 1 < H && (y + ys[j + 1]) / 2 > o.y1 && (y + ys[j + 1]) / 2 < o.y2)
          stepY[j * W + i].push(o.key)
      }
  }
  const used = new Uint8Array(W * H * 2) // steps already taken by a routed edge (x, y)

  const open = (keys: string[], passable: ReadonlySet<string>) => keys.every((k) => passable.has(k))

  function route(from: XY, fromSide: Side, to: XY, toSide: Side, passable: ReadonlySet<string>) {
    const si = indexOf(xs, from.x)
    const sj = indexOf(ys, from.y)
    const ti = indexOf(xs, to.x)
    const tj = indexOf(ys, to.y)
    // An end squeezed into a neighbour's margin may leave through it.
    const pass = new Set([...passable, ...pointIn[sj * W + si], ...pointIn[tj * W + ti]])
    const N = W * H * 4
    const cost = new Float64Array(N).fill(Number.POSITIVE_INFINITY)
    const prev = new Int32Array(N).fill(-1)
    const heap = new MinHeap()
    const h = (i: number, j: number) => Math.abs(xs[i] - xs[ti]) + Math.abs(ys[j] - ys[tj])
    const start = (sj * W + si) * 4 + SIDE_DIR[fromSide]
    cost[start] = 0
    heap.push(start, h(si, sj))
    const arrive = (SIDE_DIR[toSide] + 2) % 4 // moving inwards through the target's side
    let best = -1
    let bestCost = Number.POSITIVE_INFINITY
    while (heap.size > 0) {
      const state = heap.pop()
      const c = cost[state]
      const dir = state & 3
      const cell = state >> 2
      const i = cell % W
      const j = (cell / W) | 0
      if (c + h(i, j) >= bestCost) break
      if (i === ti && j === tj) {
        const total = c + (dir === arrive ? 0 : BEND)
        if (total < bestCost) {
          bestCost = total
          best = state
        }
        continue
      }
      for (let d = 0; d < 4; d++) {
        if (d === (dir + 2) % 4) continue
        const [dx, dy] = DIRS[d]
        const ni = i + dx
        const nj = j + dy
        if (ni < 0 || nj < 0 || ni >= W || nj >= H) continue
        // The step between two grid points is stored at the lower one.
        const lowCell = dx ? j * W + Math.min(i, ni) : Math.min(j, nj) * W + i
        if (!open(dx ? stepX[lowCell] : stepY[lowCell], pass)) continue
        if (!open(pointIn[nj * W + ni], pass)) continue
        const len = dx ? Math.abs(xs[ni] - xs[i]) : Math.abs(ys[nj] - ys[j])
        const shared = used[lowCell * 2 + (dx ? 0 : 1)] ? SHARED : 0
        const next = (nj * W + ni) * 4 + d
        const nc = c + len + (d === dir ? 0 : BEND) + shared
        if (nc < cost[next]) {
          cost[next] = nc
          prev[next] = state
          heap.push(next, nc + h(ni, nj))
        }
      }
    }
    if (best < 0) return null
    const points: XY[] = []
    for (let s = best; s >= 0; s = prev[s]) {
      const cell = s >> 2
      const i = cell % W
      const j = (cell / W) | 0
      points.push({ x: xs[i], y: ys[j] })
      const p = prev[s]
      if (p >= 0) {
        const pc = p >> 2
        const low = i !== pc % W ? j * W + Math.min(i, pc % W) : Math.min(j, (pc / W) | 0) * W + i
        used[low * 2 + (i !== pc % W ? 0 : 1)] = 1
      }
    }
    return points.reverse()
  }
  return { route }
}

/** A binary heap of (state, priority): A*'s open set. */
class MinHeap {
  private items: number[] = []
  private prio: number[] = []
  get size() {
    return this.items.length
  }
  push(item: number, priority: number) {
    const a = this.items
    const p = this.prio
    let k = a.length
    a.push(item)
    p.push(priority)
    while (k > 0) {
      const parent = (k - 1) >> 1
      if (p[parent] <= priority) break
      a[k] = a[parent]
      p[k] = p[parent]
      k = parent
    }
    a[k] = item
    p[k] = priority
  }
  pop(): number {
    const a = this.items
    const p = this.prio
    const top = a[0]
    const lastItem = a.pop()!
    const lastPrio = p.pop()!
    if (a.length === 0) return top
    let k = 0
    for (;;) {
      let child = 2 * k + 1
      if (child >= a.length) break
      if (child + 1 < a.length && p[child + 1] < p[child]) child++
      if (p[child] >= lastPrio) break
      a[k] = a[child]
      p[k] = p[child]
      k = child
    }
    a[k] = lastItem
    p[k] = lastPrio
    return top
  }
}
