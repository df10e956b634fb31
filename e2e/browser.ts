import { existsSync } from 'node:fs'
import type { LaunchOptions } from '@playwright/test'

// Debian's Chromium on project machines (never `playwright install` there); Playwright's
// own browser elsewhere, so `npm test` works on a developer's laptop too. The flags keep
// Chromium off the closed network and out of the sandbox root cannot use.
const SYSTEM_CHROMIUM = '/usr/bin/chromium'

export const chromiumLaunchOptions: LaunchOptions = existsSync(SYSTEM_CHROMIUM)
  ? {
      executablePath: SYSTEM_CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    }
  : {}
