import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'
import { nodeFlagsOf } from './apps/server/src/testing/node-flags'
import { chromiumLaunchOptions } from './e2e/browser'

const port = Number(process.env.E2E_PORT ?? 3210)
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'flowline-e2e-'))
process.env.E2E_DATA_DIR = dataDir

export const e2eAdmin = { email: 'admin@flowline.test', password: 'admin-password-1' }

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  // One folder per port, so concurrent runs on one machine don't delete each other's artifacts.
  outputDir: `test-results/e2e-${port}`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  // First opens run elkjs layout; a busy CI machine needs more than the 5 s default.
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  webServer: {
    // The real server as `npm start` runs it, on the built app with a throwaway SQLite data dir.
    command: ['node', ...nodeFlagsOf('start', '.'), '--import tsx apps/server/src/main.ts'].join(' '),
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      PORT: String(port),
      FLOWLINE_DATA_DIR: dataDir,
      FLOWLINE_ADMIN_EMAIL: e2eAdmin.email,
      FLOWLINE_ADMIN_PASSWORD: e2eAdmin.password,
      FLOWLINE_ALLOW_HOSTS: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
  },
})
