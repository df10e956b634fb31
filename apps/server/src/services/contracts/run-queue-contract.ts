import { describe, expect, it } from 'vitest'
import type { RunJob, RunQueue } from '../run-queue'

/**
 * What every RunQueue must do, whatever carries the jobs (in process today, BullMQ in queue
 * mode): one suite, run against each implementation (like n8n's job-queue tests).
 * `create` gets the function that executes a job and the concurrency to honour.
 */
export type QueueFactory = (
  execute: (job: RunJob) => Promise<void>,
  concurrency: number,
) => Promise<{ queue: RunQueue; close(): Promise<void> }>

const job = (runId: string): RunJob => ({
  runId,
  workflowId: 'wf',
  version: 1,
  event: { type: 'track', messageId: runId },
  dryRun: true,
  acceptedAt: '2026-01-01T00:00:00.000Z',
})

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms))

function gate() {
  let open!: () => void
  const opened = new Promise<void>((r) => {
    open = r
  })
  return { open, opened }
}

export function runQueueContract(name: string, create: QueueFactory): void {
  describe(`RunQueue contract: ${name}`, () => {
    it('executes every enqueued job once, with its data', async () => {
      const seen: RunJob[] = []
      const { queue, close } = await create(async (j) => void seen.push(j), 4)
      for (let i = 0; i < 20; i++) await queue.enqueue(job(`r${i}`))
      expect(await queue.drain(5_000)).toBe(true)
      expect(seen.map((j) => j.runId).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`).sort())
      expect(seen.find((j) => j.runId === 'r3')).toEqual(job('r3'))
      await close()
    })

    it('never runs more jobs at once than its concurrency, and counts the backlog in size', async () => {
      const g = gate()
      let running = 0
      let peak = 0
      const { queue, close } = await create(async () => {
        running++
        peak = Math.max(peak, running)
        await g.opened
        running--
      }, 3)
      for (let i = 0; i < 10; i++) await queue.enqueue(job(`c${i}`))
      await tick(50)
      expect(peak).toBe(3)
      expect(queue.size).toBe(10)
      g.open()
      expect(await queue.drain(5_000)).toBe(true)
      expect(queue.size).toBe(0)
      await close()
    })

    it('drops a job that has not started when asked, and only then', async () => {
      const g = gate()
      const seen: string[] = []
      const { queue, close } = await create(async (j) => {
        seen.push(j.runId)
        await g.opened
      }, 1)
      await queue.enqueue(job('first'))
      await queue.enqueue(job('second'))
      await tick(20)
      expect(await queue.remove('second')).toBe(true)
      expect(await queue.remove('first')).toBe(false)
      expect(await queue.remove('unknown')).toBe(false)
      g.open()
      expect(await queue.drain(5_000)).toBe(true)
      expect(seen).toEqual(['first'])
      await close()
    })

    it('goes on after a job fails, and drain reports a timeout honestly', async () => {
      const seen: string[] = []
      const { queue, close } = await create(async (j) => {
        seen.push(j.runId)
        if (j.runId === 'bad') throw new Error('boom')
        if (j.runId === 'slow') await tick(300)
      }, 1)
      await queue.enqueue(job('bad'))
      await queue.enqueue(job('good'))
      await queue.enqueue(job('slow'))
      expect(await queue.drain(50)).toBe(false)
      expect(await queue.drain(5_000)).toBe(true)
      expect(seen).toEqual(['bad', 'good', 'slow'])
      await close()
    })
  })
}
