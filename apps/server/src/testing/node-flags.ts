import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The node flags `npm start` (`npm run worker`) runs the server (a queue-mode worker) with,
 * as package.json says: tests and benchmarks start them as production does, from one place.
 */
export function nodeFlagsOf(script: 'start' | 'worker', root: string): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>
  }
  const flags = /\bnode((?:\s+--(?!import\b)\S+)*)\s+--import\b/.exec(scripts?.[script] ?? '')
  return flags ? flags[1].split(/\s+/).filter(Boolean) : []
}

/** The flags for an entry file: the server's (`src/main.ts`) or a worker's (`src/worker.ts`). */
export function nodeFlagsFor(entry: string, root: string): string[] {
  if (entry.endsWith('src/main.ts')) return nodeFlagsOf('start', root)
  if (entry.endsWith('src/worker.ts')) return nodeFlagsOf('worker', root)
  return []
}
