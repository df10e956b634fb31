import type { RunsTable } from '../db/schema'

/** A production run row of workflow `wf` as the webhook inserts it, for tests and benchmarks of the run store. */
export const runRow = (id: string, fields: Partial<RunsTable> = {}): RunsTable => ({
  id,
  workflow_id: 'wf',
  version: 1,
  model: null,
  kind: 'production',
  status: 'queued',
  trigger: 'webhook',
  dry_run: 0,
  message_id: id,
  event: '{}',
  mocks: null,
  error: null,
  actor: null,
  started_at: '2026-12-02T10:00:00.000Z',
  finished_at: null,
  duration_ms: null,
  state: null,
  resume_at: null,
  retry_of: null,
  wake: null,
  ...fields,
})
