import { InProcessRunQueue } from '../run-queue'
import { InProcessTraceBus } from '../trace-bus'
import { runQueueContract } from './run-queue-contract'
import { traceBusContract } from './trace-bus-contract'

runQueueContract('in process', async (execute, concurrency) => ({
  queue: new InProcessRunQueue(execute, concurrency),
  close: async () => {},
}))

traceBusContract('in process', async () => ({ bus: new InProcessTraceBus(), close: async () => {} }))
