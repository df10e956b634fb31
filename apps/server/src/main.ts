import { resolve } from 'node:path'
import { envInt } from './env-numbers'
import { createLogger } from './logger'
import { startServer } from './server'
import { queueModeFromEnv } from './services/queue-mode'

// The one production entry point: `npm start` builds the web app, then runs this file.
const logger = createLogger()
const env = process.env

const admin =
  env.FLOWLINE_ADMIN_EMAIL && env.FLOWLINE_ADMIN_PASSWORD
    ? { email: env.FLOWLINE_ADMIN_EMAIL, password: env.FLOWLINE_ADMIN_PASSWORD }
    : undefined

try {
  const app = await startServer({
    port: envInt(env, 'PORT', 0) ?? 3000,
    host: env.HOST ?? '127.0.0.1',
    dataDir: resolve(env.FLOWLINE_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL,
    webDist: env.FLOWLINE_WEB_DIST,
    runConcurrency: envInt(env, 'FLOWLINE_RUN_CONCURRENCY', 1),
    runThreads: envInt(env, 'FLOWLINE_RUN_THREADS', 1),
    stepTimeoutMs: envInt(env, 'FLOWLINE_STEP_TIMEOUT_MS', 1),
    clockSkewMs: envInt(env, 'FLOWLINE_CLOCK_SKEW_MS'),
    admin,
    logger,
    secretKey: env.FLOWLINE_SECRET_KEY,
    allowHosts: env.FLOWLINE_ALLOW_HOSTS,
    queueMode: queueModeFromEnv(env, 'api'),
  })
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    app.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
} catch (err) {
  logger.fatal({ err }, 'Flowline server failed to start')
  process.exit(1)
}
