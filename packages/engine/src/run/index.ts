/** The executor's public surface, for the engine facade (index.ts). */
export { acceptsEvent, hasEventFilter } from './accepts-event'
export { Cancellation, type CancelSignal } from './cancellation'
export { DEFAULT_LIMITS, type ResumeOptions, resumeRun, runWorkflow } from './executor'
export { maskSecrets, type RunSecret, replaceSecret } from './secrets'
export { pathCollector, type RunPath, runTestCase, runTestCases, type TestCaseResult } from './test-cases'
export type { RecordedRequest, TraceEvent, TraceListener } from './trace'
export type { RunLimits, RunOptions, RunResult, RunState, RunStatus, StepResult, StepStatus } from './types'
export { incomingWaitKeys } from './wait-keys'
