import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import { type Db, openDatabase } from './db'
import { createHttpApp } from './http/app'
import { createLogger } from './logger'
import { createServices, type Services } from './services'
import type { RunDeps } from './services/engine'
import type { OutboundGuardOptions } from './services/outbound-guard'
import type { QueueModeOptions } from './services/queue-mode'
import { loadSecretKey } from './services/secret-box'

export interface ServerOptions {
  port?: number
  host?: string
  dataDir: string
  databaseUrl?: string
  /** PostgreSQL schema (tests isolate each file in its own). */
  pgSchema?: string
  logger?: Logger
  webDist?: string
  /** Creates the first admin when the users table is empty (FLOWLINE_ADMIN_EMAIL/PASSWORD). */
  admin?: { email: string; password: string }
  runDeps?: RunDeps
  runConcurrency?: number
  /** FLOWLINE_RUN_THREADS: worker threads executing runs (default cores − 1, at least 1). */
  runThreads?: number
  /** FLOWLINE_STEP_TIMEOUT_MS: a step computing longer without yielding is stopped (default 1000). */
  stepTimeoutMs?: number
  /** FLOWLINE_CLOCK_SKEW_MS: shifts the run and wait clock, for tests of long waits. */
  clockSkewMs?: number
  /** How long shutdown waits for in-flight runs; unfinished ones resume at the next start. */
  shutdownGraceMs?: number
  /** FLOWLINE_SECRET_KEY; without it a key is generated into dataDir/secret.key. */
  secretKey?: string
  /** FLOWLINE_ALLOW_HOSTS (default: the environment variable). */
  allowHosts?: string
  /** DNS resolution for outbound calls (tests). */
  lookup?: OutboundGuardOptions['lookup']
  /** REDIS_URL (+ PostgreSQL): this process only enqueues; `npm run worker` executes (worker.ts). */
  queueMode?: QueueModeOptions
}

export interface FlowlineServer {
  url: string
  port: number
  server: Server
  services: Services
  db: Db
  close(): Promise<void>
}

const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url))

/** Opens storage (migrations first), repairs leftovers of a crash, then listens. */
export async function startServer(opts: ServerOptions): Promise<FlowlineServer> {
  const logger = opts.logger ?? createLogger()
  const { db, kind, raw } = await openDatabase({
    dataDir: opts.dataDir,
    databaseUrl: opts.databaseUrl,
    pgSchema: opts.pgSchema,
  })
  let url = ''
  const services = createServices({
    db,
    raw,
    logger,
    serverUrl: () => url,
    runDeps: opts.runDeps,
    runConcurrency: opts.runConcurrency,
    runThreads: opts.runThreads,
    stepTimeoutMs: opts.stepTimeoutMs,
    clock: opts.clockSkewMs ? () => Date.now() + opts.clockSkewMs! : undefined,
    secretKey: loadSecretKey({ secretKey: opts.secretKey, dataDir: opts.dataDir, logger }),
    allowHosts: opts.allowHosts ?? process.env.FLOWLINE_ALLOW_HOSTS,
    lookup: opts.lookup,
    queueMode: opts.queueMode,
  })
  // Secrets stored by earlier versions: connection secrets get bound to their hosts, webhook
  // signing secrets sealed (DESIGN §6 Secrets). Both need the key existing secrets were saved with.
  if (await services.connections.verifyKey()) {
    await services.connections.bindLegacySecrets()
    await services.sealStoredWebhookSecrets()
  }
  await services.queueMode?.listen()

  await services.auth.pruneExpiredSessions()
  if (opts.admin && (await services.auth.needsSetup())) {
    const admin = await services.auth.setupFirstAdmin(opts.admin)
    await services.audit.record({
      actor: 'system',
      action: 'auth.setup',
      details: { email: admin.email, from: 'environment' },
    })
    logger.info({ email: admin.email }, 'created the first admin from FLOWLINE_ADMIN_EMAIL')
  }

  await services.pool.prepare()
  const server = createServer(
    createHttpApp({ db, services, logger, webDist: opts.webDist ?? defaultWebDist }),
  )
  server.keepAliveTimeout = 65_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 3000, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  // Self-calls (the demo recommender) go over loopback even when listening on all interfaces.
  const selfHost = ['0.0.0.0', '::', ''].includes(address.address)
    ? '127.0.0.1'
    : address.family === 'IPv6'
      ? `[${address.address}]`
      : address.address
  url = `http://${selfHost}:${address.port}`
  logger.info({ url, storage: kind }, 'Flowline server listening')

  // After listen: run threads reach the demo recommender at this server's own URL.
  services.pool.start()
  const recovered = await services.runs.recover()
  if (recovered > 0) logger.warn({ recovered }, 'resuming runs a previous process did not finish')
  services.waits.start()
  await services.schedules.start()

  let closing: Promise<void> | undefined
  async function close(): Promise<void> {
    closing ??= (async () => {
      server.close()
      server.closeIdleConnections()
      services.intake.close()
      await services.waits.stop()
      await services.schedules.stop()
      // Queue mode: the backlog belongs to the workers, not to this process.
      const drained = services.queueMode ? true : await services.queue.drain(opts.shutdownGraceMs ?? 10_000)
      if (!drained)
        logger.warn(
          'shutdown grace period over; unfinished runs continue from their checkpoints at the next start',
        )
      services.pool.close()
      await services.writer.flushed().catch(() => {})
      // Trace streams of finished runs have ended; anything still open is idle or stuck.
      server.closeAllConnections()
      services.http.close()
      await services.queueMode?.close()
      await db.destroy()
      logger.info('Flowline server stopped')
    })()
    return closing
  }

  return { url, port: address.port, server, services, db, close }
}
