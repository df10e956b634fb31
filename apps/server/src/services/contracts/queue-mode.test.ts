import { randomBytes } from 'node:crypto'
import { describe } from 'vitest'
import { BullMqRunQueue, startRunWorker } from '../queue-mode/bullmq-queue'
import { redisConnection } from '../queue-mode/redis'
import { RedisTraceBus } from '../queue-mode/redis-trace-bus'
import { runQueueContract } from './run-queue-contract'
import { traceBusContract } from './trace-bus-contract'

// The same contracts as in-process.test.ts, against BullMQ and Redis Streams (CI sets TEST_REDIS_URL).
const url = process.env.TEST_REDIS_URL
const prefix = () => `flowline-test-${randomBytes(6).toString('hex')}`

async function wipe(url: string, p: string): Promise<void> {
  const redis = redisConnection(url)
  const keys = await redis.keys(`${p}:*`)
  if (keys.length > 0) await redis.del(...keys)
  redis.disconnect()
}

describe.skipIf(!url)('queue mode (Redis)', () => {
  runQueueContract('BullMQ', async (execute, concurrency) => {
    const p = prefix()
    const connection = redisConnection(url!)
    // No retries here: the contract counts each job's executions.
    const queue = new BullMqRunQueue({ connection, prefix: p, attempts: 1 })
    const worker = startRunWorker({ connection, prefix: p, concurrency, execute })
    await worker.waitUntilReady()
    return {
      queue,
      close: async () => {
        await worker.close()
        await queue.close()
        connection.disconnect()
        await wipe(url!, p)
      },
    }
  })

  traceBusContract('Redis Streams', async () => {
    const p = prefix()
    const bus = new RedisTraceBus({ url: url!, prefix: p })
    return {
      bus,
      close: async () => {
        await bus.shutdown()
        await wipe(url!, p)
      },
    }
  })
})
