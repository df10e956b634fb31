import type { Logger } from 'pino'
import type { Db } from '../db'
import { createAuditService } from './audit'
import { createAuthService } from './auth'
import { createConnectionService } from './connections'
import type { RunDeps, Workflow } from './engine'
import { EventSink } from './event-sink'
import { createHttpClient } from './http-client'
import { createOutboundGuard, type OutboundGuardOptions } from './outbound-guard'
import { InProcessRunQueue, type RunQueue } from './run-queue'
import { createRunWorker } from './run-worker'
import { createRunService } from './runs'
import { createSecretBox } from './secret-box'
import { InProcessTraceBus, type TraceBus } from './trace-bus'
import { createUserService } from './users'
import { createVersionService } from './versions'
import { WaitScheduler } from './wait-scheduler'
import { createWorkflowService } from './workflows'

export interface ServicesOptions {
  db: Db
  logger?: Logger
  /** This server's own origin (known after listen); templates point the demo recommender at it. */
  serverUrl: () => string
  runDeps?: RunDeps
  runConcurrency?: number
  /** The 32-byte key sealing connection secrets (see secret-box.ts: loadSecretKey). */
  secretKey: Buffer
  /** FLOWLINE_ALLOW_HOSTS: loopback/private hosts outbound calls may reach anyway. */
  allowHosts?: string
  /** DNS resolution for outbound calls; tests substitute their own. */
  lookup?: OutboundGuardOptions['lookup']
}

// Versions are immutable, so their parsed models can be cached without invalidation.
function versionModelCache(db: Db, limit = 500) {
  const cache = new Map<string, Workflow>()
  return async (workflowId: string, version: number): Promise<Workflow> => {
    const key = `${workflowId}@${version}`
    const hit = cache.get(key)
    if (hit) return hit
    const row = await db
      .selectFrom('workflow_versions')
      .select('model')
      .where('workflow_id', '=', workflowId)
      .where('number', '=', version)
      .executeTakeFirstOrThrow()
    const model = JSON.parse(row.model) as Workflow
    if (cache.size >= limit) cache.clear()
    cache.set(key, model)
    return model
  }
}

export function createServices(opts: ServicesOptions) {
  const { db, logger } = opts
  const guard = createOutboundGuard({
    allowHosts: opts.allowHosts,
    selfUrl: opts.serverUrl,
    lookup: opts.lookup,
  })
  const http = createHttpClient({ guard })
  const audit = createAuditService(db)
  const connections = createConnectionService({
    db,
    audit,
    box: createSecretBox(opts.secretKey),
    http,
    logger,
  })
  // A fresh resolver per run: a rotated secret is picked up by the next run, never mid-run.
  const runDeps = (): RunDeps => ({
    fetch: http,
    resolveConnection: connections.resolverForRun(),
    ...opts.runDeps,
  })
  const users = createUserService(db)
  const auth = createAuthService(db, users)
  const catalog = () => connections.catalog()
  const workflows = createWorkflowService(db, audit, catalog)
  const versions = createVersionService(db, workflows, audit, runDeps, catalog)
  const bus: TraceBus = new InProcessTraceBus()
  const sink = new EventSink(db, logger)
  const waits = new WaitScheduler((runId) => {
    runs.resume(runId).catch((err) => logger?.error({ err, runId }, 'resuming a run failed'))
  })
  const worker = createRunWorker({
    db,
    bus,
    sink,
    logger,
    runDeps,
    loadVersionModel: versionModelCache(db),
    onSuspended: (runId, at) => waits.schedule(runId, at),
  })
  const queue: RunQueue = new InProcessRunQueue(worker, opts.runConcurrency ?? 32)
  const runs = createRunService({ db, bus, queue, audit, workflows })
  return {
    audit,
    users,
    auth,
    connections,
    workflows,
    versions,
    runs,
    bus,
    queue,
    waits,
    http,
    /** What every run gets injected; runs.runTests judges drafts' test cases with it, as publish does. */
    runDeps,
    serverUrl: opts.serverUrl,
  }
}

export type Services = ReturnType<typeof createServices>
