/**
 * A line diff (Myers' O((N+M)·D) algorithm) for the notation view of a version diff. No
 * diff library is installed; the notation of a workflow is a few hundred lines, and two
 * versions usually differ in a handful, where Myers is fast.
 */
export interface DiffLine {
  kind: 'same' | 'add' | 'del'
  text: string
  /** 1-based line numbers in the old (`a`) and new (`b`) text. */
  a?: number
  b?: number
}

export interface Hunk {
  aStart: number
  bStart: number
  lines: DiffLine[]
}

/** Past this many differing lines the diff stops looking for the shortest script. */
const MAX_EDITS = 4000

export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before)
  const b = splitLines(after)
  // Common head and tail are free; only the middle goes through Myers.
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++
  const ops = myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail))

  const out: DiffLine[] = []
  let ai = 0
  let bi = 0
  const same = (text: string) => out.push({ kind: 'same', text, a: ++ai, b: ++bi })
  for (let i = 0; i < head; i++) same(a[i])
  for (const op of ops) {
    if (op.kind === 'same') same(op.text)
    else if (op.kind === 'del') out.push({ kind: 'del', text: op.text, a: ++ai })
    else out.push({ kind: 'add', text: op.text, b: ++bi })
  }
  for (let i = a.length - tail; i < a.length; i++) same(a[i])
  return out
}

/** The changed lines with `context` unchanged lines around each run, as unified-diff hunks. */
export function toHunks(lines: readonly DiffLine[], context = 3): Hunk[] {
  const ranges: [number, number][] = []
  lines.forEach((line, i) => {
    if (line.kind === 'same') return
    const lo = Math.max(0, i - context)
    const hi = Math.min(lines.length - 1, i + context)
    const last = ranges.at(-1)
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi)
    else ranges.push([lo, hi])
  })
  return ranges.map(([lo, hi]) => ({
    aStart: countBefore(lines, lo, 'a') + 1,
    bStart: countBefore(lines, lo, 'b') + 1,
    lines: lines.slice(lo, hi + 1),
  }))
}

function countBefore(lines: readonly DiffLine[], index: number, side: 'a' | 'b'): number {
  let n = 0
  for (let i = 0; i < index; i++) if (lines[i][side] !== undefined) n++
  return n
}

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}

type Op = { kind: 'same' | 'add' | 'del'; text: string }

function myers(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length
  const m = b.length
  const max = n + m
  if (max === 0) return []
  const off = max + 1
  const v = new Int32Array(2 * max + 3)
  const trace: Int32Array[] = []
  for (let d = 0; d <= max; d++) {
    if (d > MAX_EDITS) return replaceAll(a, b)
    trace.push(v.slice())
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[off + k] = x
      if (x >= n && y >= m) return backtrack(trace, a, b, off)
    }
  }
  return replaceAll(a, b)
}

function backtrack(trace: Int32Array[], a: readonly string[], b: readonly string[], off: number): Op[] {
  const ops: Op[] = []
  let x = a.length
  let y = b.length
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]
    const k = x - y
    const prevK = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? k + 1 : k - 1
    const prevX = v[off + prevK]
    const prevY = prevX - prevK
    while (x > prevX && y > prevY) {
      ops.push({ kind: 'same', text: a[x - 1] })
      x--
      y--
    }
    if (d > 0) {
      if (x === prevX) ops.push({ kind: 'add', text: b[prevY] })
      else ops.push({ kind: 'del', text: a[prevX] })
    }
    x = prevX
    y = prevY
  }
  return ops.reverse()
}

function replaceAll(a: readonly string[], b: readonly string[]): Op[] {
  return [
    ...a.map((text) => ({ kind: 'del' as const, text })),
    ...b.map((text) => ({ kind: 'add' as const, text })),
  ]
}
