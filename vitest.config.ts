import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/*/src/**/*.test.tsx'],
    // Child-process suites with their own config (vitest.durability.config.ts).
    exclude: ['**/node_modules/**', 'apps/server/src/durability/**'],
    testTimeout: 20_000,
  },
})
