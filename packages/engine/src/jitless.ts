import { z } from 'zod'

/**
 * For browsers: zod validates without generating code. By default zod 4 probes whether
 * `new Function` works and compiles object parsers with it, which a Content-Security-Policy
 * without 'unsafe-eval' refuses (and Chrome reports as an error). The web app calls this
 * before anything parses; Node keeps the faster compiled parsers.
 */
export function validateWithoutEval(): void {
  z.config({ jitless: true })
}
