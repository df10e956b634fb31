// The engine's public facade: model, notation, validation, executor, node registry, templates.

export * from '../templates'
export type { Diagnostic, DiagnosticCode } from './dsl/diagnostics'
export { codeFrame, formatDiagnostic, LineIndex } from './dsl/diagnostics'
export type { ParseOptions, ParseResult } from './dsl/parser'
export { parse } from './dsl/parser'
export { format } from './dsl/printer'
export { compileExpression, ExpressionError, expressionError } from './expressions/compile'
export * from './expressions/conditions'
export * from './model/adjacency'
export * from './model/diff'
export * from './model/edge-id'
export * from './model/node-kind'
export * from './model/reachable'
export * from './model/schema'
export * from './model/strongly-connected'
export { getExecutor, getNodeSpec, nodeSpecs } from './nodes/registry'
export {
  cronProblem,
  DEFAULT_TIMEZONE,
  nextTime,
  nextTimes,
  scheduleProblem,
  timezoneProblem,
} from './nodes/schedule/cron'
export type { ScheduleEvent } from './nodes/schedule/execute'
export { type ScheduleTrigger, scheduleTriggers } from './nodes/schedule/triggers'
export * from './nodes/shared/connection-fields'
export * from './nodes/shared/connections'
export { createMemoryDataStore, type DataStore } from './nodes/shared/data-store'
export type { MailMessage, SendMail, SentMail } from './nodes/shared/mail'
export { ERROR_EDGE_LABEL, isErrorLabel } from './nodes/shared/spec-fields'
export type { WaitRequest, Wake } from './nodes/types'
export * from './run'
export type { Issue } from './validate/issue'
export { hasErrors, type ValidateOptions, validate } from './validate/validate'
