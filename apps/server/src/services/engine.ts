/**
 * The server's one doorway to @flowline/engine: validation, notation, execution and
 * templates. Routers and HTTP routes never reach into engine internals, and the engine
 * stays the single authority for what a model means.
 */
import { readFile } from 'node:fs/promises'
import {
  acceptsEvent,
  Cancellation,
  type CancelSignal,
  type ConnectionInfo,
  type ConnectionResolver,
  type ConnectionType,
  connectionConfigSchemas,
  connectionKinds,
  connectionTypes,
  degrees,
  dropInlineCredentials,
  effectiveType,
  emptyWorkflow,
  fillSoleConnections,
  format,
  hasEventFilter,
  type Issue,
  incomingWaitKeys,
  nextTime,
  parse,
  type ResolvedConnection,
  type RunOptions,
  type RunResult,
  type RunState,
  recommend,
  replaceSecret,
  resumeRun,
  runTestCase,
  runWorkflow,
  type ScheduleEvent,
  type ScheduleTrigger,
  type SecretBinding,
  scheduleTriggers,
  secretBinding,
  type TraceEvent,
  templates,
  validate,
  type WaitRequest,
  type Wake,
  type Workflow,
  workflowSchema,
} from '@flowline/engine'
import { getNodeSpec, nodeSpecs } from '@flowline/engine/nodes'
import { TRPCError } from '@trpc/server'

export type {
  CancelSignal,
  ConnectionInfo,
  Issue,
  ResolvedConnection,
  RunOptions,
  RunResult,
  RunState,
  ScheduleEvent,
  ScheduleTrigger,
  SecretBinding,
  TraceEvent,
  WaitRequest,
  Wake,
  Workflow,
}
export {
  acceptsEvent,
  Cancellation,
  type ConnectionResolver,
  type ConnectionType,
  connectionConfigSchemas,
  connectionKinds,
  connectionTypes,
  degrees,
  effectiveType,
  fillSoleConnections,
  getNodeSpec,
  hasEventFilter,
  incomingWaitKeys,
  nextTime,
  recommend,
  replaceSecret,
  scheduleTriggers,
  secretBinding,
  validate,
  workflowSchema,
}

/**
 * Execution settings the server injects into every run: the guarded HTTP and SMTP clients, retry
 * policy, the connection resolver (fresh per run) and limits.
 */
export type RunDeps = Pick<RunOptions, 'fetch' | 'sendMail' | 'limits' | 'http' | 'resolveConnection'>

export const emptyModel = (title: string): Workflow => emptyWorkflow(title)

export function nodeTypeIds(): string[] {
  return nodeSpecs.map((s) => s.id)
}

/**
 * The canonical model (schema-checked, unknown keys and inline credentials dropped) and the
 * engine's verdict, given the connections that exist: the same rules the browser and the
 * CLI run.
 */
export function checkModel(input: Workflow, connections?: Iterable<ConnectionInfo>) {
  const cleaned = dropInlineCredentials(workflowSchema.parse(input))
  const model = cleaned.model
  const issues = [...validate(model, connections ? { connections } : {}), ...cleaned.issues]
  const errorCount = issues.filter((i) => i.severity === 'error').length
  return { model, issues, errorCount, warningCount: issues.length - errorCount }
}

export function parseNotation(source: string, file = 'workflow.flow'): Workflow {
  const { workflow, diagnostics } = parse(source, { file })
  if (!workflow || diagnostics.length > 0) {
    const lines = diagnostics.map((d) => `${file}:${d.line}:${d.column}: ${d.message}`)
    throw new TRPCError({ code: 'BAD_REQUEST', message: lines.join('\n') || `${file}: could not be parsed` })
  }
  return workflow
}

export const formatNotation = (model: Workflow): string => format(model)

/** A fresh run, or the continuation of one suspended at a wait. Never rejects for run failures. */
export function executeWorkflow(
  model: Workflow,
  options: RunOptions,
  resumeFrom?: RunState,
  wake?: Wake,
): Promise<RunResult> {
  if (resumeFrom) {
    const { event: _e, runId: _r, dryRun: _d, skipWaits: _s, askAtWaits: _a, ...rest } = options
    return resumeRun(model, resumeFrom, wake ? Object.assign(rest, { wake }) : rest)
  }
  return runWorkflow(model, options)
}

export interface TestFailure {
  name: string
  reason: string
}

/** Runs a model's saved test cases (dry, with their mocks); returns the failing ones. */
export async function runSavedTests(model: Workflow, deps: RunDeps): Promise<TestFailure[]> {
  const failures: TestFailure[] = []
  for (const testCase of model.tests ?? []) {
    const outcome = await runTestCase(model, testCase, { ...deps, recordEvents: false })
    if (!outcome.passed)
      failures.push({ name: testCase.name, reason: outcome.failures.join('; ') || 'failed' })
  }
  return failures
}

/** The engine's template registry: id, title, one-line purpose and the connection kinds each needs. */
export const TEMPLATES = templates.map(({ id, title, description, connections }) => ({
  id,
  title,
  description,
  connections,
}))
export type TemplateId = (typeof TEMPLATES)[number]['id']

const templateFile = (id: TemplateId) =>
  new URL(`../../../../packages/engine/templates/${id}.flow`, import.meta.url)

/**
 * A template as a model, with the demo recommender pointed at this server, so a fresh
 * install runs the seed scenario end to end without any external service.
 */
export async function loadTemplate(id: TemplateId, serverUrl: string): Promise<Workflow> {
  const source = await readFile(templateFile(id), 'utf8')
  return pointDemoAt(parseNotation(source, `${id}.flow`), serverUrl)
}

const DEMO_URL = /^https?:\/\/[^/]+(?=\/api\/demo\/recommend)/

export function pointDemoAt(model: Workflow, serverUrl: string): Workflow {
  return {
    ...model,
    nodes: model.nodes.map((n) => {
      const config = n.config as { url?: unknown } | undefined
      if (!config || typeof config.url !== 'string' || !DEMO_URL.test(config.url)) return n
      return { ...n, config: { ...config, url: config.url.replace(DEMO_URL, serverUrl) } }
    }),
  }
}
