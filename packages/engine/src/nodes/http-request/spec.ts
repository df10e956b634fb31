import { z } from 'zod'
import { errorHandlingShape } from '../shared/spec-fields'
import type { NodeSpec } from '../spec'

export const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const

export const httpRequestConfigSchema = z.object({
  method: z.enum(httpMethods).default('GET'),
  connectionId: z
    .string()
    .optional()
    .describe(
      'Optional HTTP connection (base URL + credentials): the url is then a path below its base URL, and its auth header is added',
    ),
  url: z
    .string()
    .default('')
    .describe(
      'Text with {{ JSONata }} parts, e.g. https://api.example.com/users/{{ event.userId }} (with a connection: /users/{{ event.userId }})',
    ),
  headers: z.record(z.string(), z.string()).default({}).describe('Header values are {{ }} templates too'),
  body: z
    .string()
    .optional()
    .describe('JSONata building the JSON body, e.g. {"userId": event.userId, "type": event.type}'),
  timeoutMs: z.number().int().min(1).max(120_000).default(10_000),
  /** Unset: GET and HEAD are read-only, everything else is treated as a side effect. */
  sideEffect: z
    .boolean()
    .optional()
    .describe(
      'Does this call change something outside? Unset: only non-GET/HEAD calls do. Read-only calls run in test runs',
    ),
  failOnError: z.boolean().default(true).describe('Fail the step on a non-2xx status'),
  // onError: fail (default) | retry (with retries) | continue along the step's `error` edge.
  ...errorHandlingShape,
})
export type HttpRequestConfig = z.infer<typeof httpRequestConfigSchema>

export const httpRequestSpec: NodeSpec<HttpRequestConfig> = {
  id: 'http-request',
  title: 'HTTP request',
  category: 'integration',
  icon: 'M12 2a10 10 0 1 0 0 20 10 10 0 1 0 0-20zM2 12h20M12 2a15.3 15.3 0 0 1 4 10 15.3 15.3 0 0 1-4 10 15.3 15.3 0 0 1-4-10 15.3 15.3 0 0 1 4-10z',
  description:
    'Calls an HTTP API, optionally through an HTTP connection. Output: {status, headers, body}, the body parsed when the answer is JSON. A mock of this step has the same shape. Connection errors, 429 and 5xx are retried with backoff; non-GET calls carry an Idempotency-Key.',
  shape: 'rectangle',
  configSchema: httpRequestConfigSchema,
  defaultConfig: { method: 'GET', url: '', headers: {}, timeoutMs: 10_000, failOnError: true },
  sideEffect: true,
  // What a mock starts from (DESIGN §4: the HTTP node's output shape).
  exampleOutput: { status: 200, headers: { 'content-type': 'application/json' }, body: {} },
  sideEffectNote:
    'Per node: GET and HEAD are read-only and really run in test runs; other methods are recorded instead of sent unless "sideEffect" is false (e.g. a POST to a recommendation API).',
  expressionFields: ['body'],
  templateFields: ['url', 'headers'],
  // A URL that is a path only makes sense below a connection's base URL.
  connection: {
    field: 'connectionId',
    type: 'http',
    required: (c) => typeof c.url === 'string' && c.url.trim().startsWith('/'),
  },
  errorHandling: true,
}
