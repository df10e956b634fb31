import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { diffLines, toHunks } from './line-diff'

const sideOf = (lines: ReturnType<typeof diffLines>, side: 'a' | 'b') =>
  lines.filter((l) => l.kind === 'same' || l.kind === (side === 'a' ? 'del' : 'add')).map((l) => l.text)

describe('diffLines', () => {
  it('marks one changed line as a delete and an add, numbering both sides', () => {
    const d = diffLines('a\nb\nc\n', 'a\nB\nc\n')
    expect(d).toEqual([
      { kind: 'same', text: 'a', a: 1, b: 1 },
      { kind: 'del', text: 'b', a: 2 },
      { kind: 'add', text: 'B', b: 2 },
      { kind: 'same', text: 'c', a: 3, b: 3 },
    ])
  })

  it('handles empty sides', () => {
    expect(diffLines('', '')).toEqual([])
    expect(diffLines('', 'x').map((l) => l.kind)).toEqual(['add'])
    expect(diffLines('x\r\ny', '').map((l) => l.kind)).toEqual(['del', 'del'])
  })

  it('finds a shortest edit script that rebuilds both texts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }),
        (a, b) => {
          const d = diffLines(a.join('\n'), b.join('\n'))
          expect(sideOf(d, 'a')).toEqual(a)
          expect(sideOf(d, 'b')).toEqual(b)
          // Minimal: the unchanged lines are a longest common subsequence.
          expect(d.filter((l) => l.kind === 'same').length).toBe(lcs(a, b))
        },
      ),
    )
  })
})

describe('toHunks', () => {
  it('keeps three lines of context and merges nearby changes', () => {
    const a = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`)
    const b = [...a]
    b[4] = 'changed 5'
    b[7] = 'changed 8'
    b[25] = 'changed 26'
    const hunks = toHunks(diffLines(a.join('\n'), b.join('\n')))
    expect(hunks).toHaveLength(2)
    expect(hunks[0]).toMatchObject({ aStart: 2, bStart: 2 })
    expect(hunks[0].lines[0].text).toBe('line 2')
    expect(hunks[0].lines.at(-1)?.text).toBe('line 11')
    expect(hunks[1]).toMatchObject({ aStart: 23, bStart: 23 })
    expect(toHunks(diffLines('same', 'same'))).toEqual([])
  })
})

function lcs(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      dp[i][j] = a[i - 1] === b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1])
  return dp[a.length][b.length]
}
