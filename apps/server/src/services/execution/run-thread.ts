/** Worker-thread entry: a run host with its own HTTP client, reporting to the pool. */
import { parentPort, workerData } from 'node:worker_threads'
import { createHttpClient } from '../http-client'
import { createMailClient } from '../mail-client'
import { createOutboundGuard } from '../outbound-guard'
import { outbox } from './outbox'
import type { FromHost, HostConfig, ToHost } from './protocol'
import { createRunHost } from './run-host'
import { stateBoxOf } from './sealed-state'
import { BEAT_MS, StepMarks } from './step-marks'

const { config, marks } = workerData as { config: HostConfig; marks: SharedArrayBuffer }
const port = parentPort!
const guard = createOutboundGuard({ allowHosts: config.allowHosts, selfUrl: () => config.selfUrl })
const stepMarks = new StepMarks(marks)
stepMarks.beat()
setInterval(() => stepMarks.beat(), BEAT_MS)
const host = createRunHost({
  post: outbox<FromHost>((batch) => port.postMessage(batch)),
  deps: {
    fetch: createHttpClient({ guard }),
    sendMail: createMailClient({ guard }),
    http: config.http,
    limits: config.limits,
  },
  now: () => Date.now() + config.clockSkewMs,
  marks: stepMarks,
  box: stateBoxOf(config.stateKey),
})
port.on('message', (batch: ToHost[]) => {
  for (const msg of batch) host.handle(msg)
})
