import { defineConfig } from 'vitest/config'

// The durability suite drives the real server as child processes and kills them; it measures
// latency (/healthz under a stuck step), so its files run one at a time, after the unit tests.
export default defineConfig({
  test: {
    include: ['apps/server/src/durability/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
})
