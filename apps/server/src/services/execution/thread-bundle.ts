import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

let path: Promise<string> | undefined

/**
 * The run thread's code as one ES module. Worker threads on Node 20 do not inherit the
 * TypeScript loader of `node --import tsx`, so the thread entry and everything it imports
 * (engine, HTTP client) are bundled once per process (about 0.2 s, off the event loop),
 * before the server listens.
 */
export function threadBundle(): Promise<string> {
  path ??= bundle()
  return path
}

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./run-thread.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // Bundled CommonJS dependencies may require Node built-ins.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  })
  const code = result.outputFiles[0].contents
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16)
  const file = join(tmpdir(), `flowline-run-thread-${hash}.mjs`)
  if (!existsSync(file)) await writeFile(file, code, { mode: 0o644 })
  return file
}
