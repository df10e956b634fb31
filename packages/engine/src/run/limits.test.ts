import { describe, expect, it } from 'vitest'
import { runWorkflow } from './executor'
import { decide, end, flow, pass, start, transform } from './fixtures'

const event = { type: 'track', userId: 'u-1' }

/** s → init → body → check ─(< n: back to body)/(else: done) → end */
function counterLoop(times: string) {
  return flow(
    [
      start('s'),
      transform('init', { i: '0' }),
      transform('body', { i: 'vars.i + 1' }),
      decide('check', `vars.i < ${times} ? "again" : "done"`),
      pass('after'),
      end('e'),
    ],
    [
      's -> init',
      'init -> body',
      'body -> check',
      'check -> body : again',
      'check -> after : done',
      'after -> e',
    ],
  )
}

describe('loops', () => {
  it('runs another pass of the target of an edge that closes a cycle', async () => {
    const r = await runWorkflow(counterLoop('3'), { event })
    expect(r.status).toBe('succeeded')
    expect(r.vars.i).toBe(3)
    expect(r.steps.body.visits).toBe(3)
    expect(r.steps.check.visits).toBe(3)
    // The loop exit is not "ruled out" while the loop comes round: after runs once, never skipped.
    expect(r.events!.filter((e) => 'nodeId' in e && e.nodeId === 'after').map((e) => e.type)).toEqual([
      'node.started',
      'node.finished',
    ])
    expect(r.steps.e).toMatchObject({ status: 'succeeded', visits: 1 })
  })

  it('joins after a loop only once the loop is done', async () => {
    // p runs beside the loop; j needs both p and the loop's exit.
    const wf = flow(
      [
        start('s'),
        transform('init', { i: '0' }),
        transform('body', { i: 'vars.i + 1' }),
        decide('check', 'vars.i < 4 ? "again" : "done"'),
        pass('p'),
        transform('j', { seen: 'vars.i' }),
      ],
      [
        's -> init',
        's -> p',
        'init -> body',
        'body -> check',
        'check -> body : again',
        'check -> j : done',
        'p -> j',
      ],
    )
    const r = await runWorkflow(wf, { event })
    expect(r.status).toBe('succeeded')
    expect(r.steps.j.visits).toBe(1)
    expect(r.vars.seen).toBe(4)
  })

  it('runs an if/else that merges inside a loop body once per pass', async () => {
    const wf = flow(
      [
        start('s'),
        transform('init', { i: '0', odd: '0' }),
        transform('body', { i: 'vars.i + 1' }),
        decide('parity', 'vars.i % 2 = 1 ? "odd" : "even"'),
        transform('countOdd', { odd: 'vars.odd + 1' }),
        pass('even'),
        pass('merge'),
        decide('check', 'vars.i < 5 ? "again" : "done"'),
        end('e'),
      ],
      [
        's -> init',
        'init -> body',
        'body -> parity',
        'parity -> countOdd : odd',
        'parity -> even : even',
        'countOdd -> merge',
        'even -> merge',
        'merge -> check',
        'check -> body : again',
        'check -> e : done',
      ],
    )
    const r = await runWorkflow(wf, { event })
    expect(r.status).toBe('succeeded')
    expect(r.vars).toEqual({ i: 5, odd: 3 })
    expect(r.steps.merge.visits).toBe(5)
    expect(r.steps.countOdd.visits).toBe(3)
    expect(r.steps.even.visits).toBe(2)
    expect(r.steps.e.visits).toBe(1)
  })

  it('runs nested loops without ruling out nodes the outer loop still needs', async () => {
    // outer: i = 1..3; inner: j counts to i each time
    const wf = flow(
      [
        start('s'),
        transform('init', { i: '0', total: '0' }),
        transform('outer', { i: 'vars.i + 1', j: '0' }),
        transform('inner', { j: 'vars.j + 1', total: 'vars.total + 1' }),
        decide('innerCheck', 'vars.j < vars.i ? "again" : "done"'),
        pass('between'),
        decide('outerCheck', 'vars.i < 3 ? "again" : "done"'),
        end('e'),
      ],
      [
        's -> init',
        'init -> outer',
        'outer -> inner',
        'inner -> innerCheck',
        'innerCheck -> inner : again',
        'innerCheck -> between : done',
        'between -> outerCheck',
        'outerCheck -> outer : again',
        'outerCheck -> e : done',
      ],
    )
    const r = await runWorkflow(wf, { event })
    expect(r.status).toBe('succeeded')
    expect(r.vars.total).toBe(6)
    expect(r.steps.between.visits).toBe(3)
    expect(r.steps.e.visits).toBe(1)
    expect(r.events!.filter((e) => e.type === 'node.skipped')).toEqual([])
  })

  it('stops a loop that never ends at the visit limit, with a clear failure', async () => {
    const wf = flow([start('s'), pass('a'), pass('b')], ['s -> a', 'a -> b', 'b -> a'])
    const r = await runWorkflow(wf, { event, limits: { maxVisitsPerNode: 25 } })
    expect(r.status).toBe('failed')
    expect(r.error).toBe(
      'a: visited more than 25 times in one run; a loop that never ends? (limit maxVisitsPerNode)',
    )
    expect(r.steps.a).toMatchObject({ status: 'failed', visits: 26 })
  })

  it('uses a default visit limit of 100', async () => {
    const r = await runWorkflow(counterLoop('1000'), { event, recordEvents: false })
    expect(r.status).toBe('failed')
    expect(r.error).toMatch(/^body: visited more than 100 times/)
  })

  it('stops at the step limit', async () => {
    const r = await runWorkflow(counterLoop('1000'), {
      event,
      limits: { maxSteps: 50, maxVisitsPerNode: 1000 },
    })
    expect(r.status).toBe('failed')
    expect(r.error).toMatch(/^the run took more than 50 steps \(limit maxSteps\); stopped at /)
  })

  it('stops at the time limit', async () => {
    const r = await runWorkflow(counterLoop('1000000'), {
      event,
      recordEvents: false,
      limits: { timeoutMs: 50, maxVisitsPerNode: 1e9, maxSteps: 1e9 },
    })
    expect(r.status).toBe('failed')
    expect(r.error).toBe('the run exceeded its time limit of 50 ms')
  })

  it('stops waiting for a step that never answers at the time limit', async () => {
    const wf = flow(
      [
        start('s'),
        { id: 'slow', type: 'http-request', config: { url: 'https://api.example.com/x', timeoutMs: 60_000 } },
      ],
      ['s -> slow'],
    )
    const started = performance.now()
    const r = await runWorkflow(wf, { event, limits: { timeoutMs: 100 }, fetch: () => new Promise(() => {}) })
    expect(r.status).toBe('failed')
    expect(r.error).toBe('slow: the run exceeded its time limit of 100 ms')
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('handles long chains and wide fan-outs without deep recursion', async () => {
    const n = 5000
    const nodes = [start('s'), decide('d', '"skip"'), pass('keep')]
    const edges = ['s -> d', 'd -> keep : keep', 'd -> c0 : skip']
    for (let i = 0; i < n; i++) {
      nodes.push(pass(`c${i}`))
      if (i > 0) edges.push(`c${i - 1} -> c${i}`)
    }
    // The chain runs; then a long ruled-out chain is skipped without recursion.
    const r = await runWorkflow(flow(nodes, edges), {
      event,
      recordEvents: false,
      limits: { maxSteps: 20_000 },
    })
    expect(r.status).toBe('succeeded')
    expect(r.steps[`c${n - 1}`].status).toBe('succeeded')
    expect(r.steps.keep.status).toBe('skipped')
  })
})

describe('hostile expressions', () => {
  const hostile = (expr: string) =>
    flow([start('s'), transform('evil', { x: expr }), pass('after')], ['s -> evil', 'evil -> after'])

  async function failsQuickly(expr: string, message: RegExp) {
    const started = performance.now()
    const r = await runWorkflow(hostile(expr), { event })
    expect(r.status, expr).toBe('failed')
    expect(r.error).toMatch(/^evil: vars\.x: /)
    expect(r.error).toMatch(message)
    expect(r.steps.after).toBeUndefined()
    expect(performance.now() - started).toBeLessThan(5000)
  }

  it('stops string doubling before it eats the memory', async () => {
    await failsQuickly(
      '$reduce([1..40], function($acc, $i) { $acc & $acc }, "xxxxxxxxxx")',
      /string grew past 1,000,000 characters/,
    )
  })

  it('stops many medium strings adding up', async () => {
    await failsQuickly('$join([1..5000].($pad("", 9000, "x")))', /more than 20,000,000 characters/)
  })

  it('refuses a huge $pad in one call', async () => {
    await failsQuickly('$pad("", 400000000, "x")', /\$pad width 400000000 is over the limit/)
  })

  it('stops deep recursion', async () => {
    await failsQuickly('($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))', /Stack overflow/)
  })

  it('stops endless tail recursion at the evaluation time budget', async () => {
    await failsQuickly('($f := function($n) { $f($n + 1) }; $f(0))', /timeout/i)
  })

  it('stops huge sequences', async () => {
    await failsQuickly('$count([1..5000000])', /sequence length/)
  })

  it('stops $eval smuggling the same tricks', async () => {
    await failsQuickly('$eval("($f := function($n) { $f($n + 1) }; $f(0))")', /timeout/i)
  })

  it('still allows ordinary recursion and reasonable text', async () => {
    const r = await runWorkflow(
      hostile(
        '($fact := function($n) { $n <= 1 ? 1 : $n * $fact($n - 1) }; $string($fact(20)) & $pad("", 10, "-"))',
      ),
      { event },
    )
    expect(r.status).toBe('succeeded')
    expect(r.vars.x).toBe('2432902008176640000----------')
  })
})
