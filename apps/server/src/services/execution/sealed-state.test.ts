import { randomBytes } from 'node:crypto'
import { resumeRun, runWorkflow, type Workflow } from '@flowline/engine'
import { describe, expect, it } from 'vitest'
import { createSecretBox, deriveKey } from '../secret-box'
import { restoreState, serializeState } from './run-host'

const wf = (first: 'generate-secret' | 'transform'): Workflow => ({
  title: 'invite',
  description: '',
  groups: [],
  nodes: [
    { id: 's', group: null, shape: 'circle', label: 'Start', type: 'start', config: {} },
    {
      id: 'g',
      group: null,
      shape: 'rectangle',
      label: 'Token',
      type: first,
      config: first === 'transform' ? { vars: { who: 'event.userId' } } : {},
    },
    {
      id: 't',
      group: null,
      shape: 'rectangle',
      label: 'Copy',
      type: 'transform',
      config: { vars: { copy: '"Bearer " & steps.g.secret' } },
    },
    {
      id: 'p',
      group: null,
      shape: 'rectangle',
      label: 'Post',
      type: 'http-request',
      config: { method: 'POST', url: 'https://api.example.com/p', body: '{"t": steps.g.secret}' },
    },
  ],
  edges: [
    { id: 'e1', source: 's', sourceHandle: 'right', target: 'g', targetHandle: 'left' },
    { id: 'e2', source: 'g', sourceHandle: 'right', target: 't', targetHandle: 'left' },
    { id: 'e3', source: 't', sourceHandle: 'right', target: 'p', targetHandle: 'left' },
  ],
})
const event = { type: 'track', userId: 'u-9' }
const box = createSecretBox(deriveKey(randomBytes(32), 'run-state'))

/** The checkpoint stored before the POST goes out (the run stops there). */
async function checkpointBeforePost(model: Workflow, runId: string): Promise<string> {
  let stored = ''
  void runWorkflow(model, {
    event,
    runId,
    dryRun: false,
    fetch: () => new Promise(() => {}),
    checkpoint: (s, must) => {
      if (must) stored = serializeState(s, box)
      return new Promise(() => {})
    },
  })
  for (let i = 0; i < 100 && stored === ''; i++) await new Promise((r) => setTimeout(r, 5))
  return stored
}

describe('checkpoints of runs holding generated secrets', () => {
  it('are stored sealed, open only for their own run with the key, and resume with the secret', async () => {
    const stored = await checkpointBeforePost(wf('generate-secret'), 'r-secret')
    expect(stored.startsWith('sealed:v1.')).toBe(true)
    const state = restoreState(stored, event, { box, runId: 'r-secret' })
    const [secret] = state.secrets ?? []
    expect(secret.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // Neither the secret nor anything it was copied into is readable in what is stored.
    for (const clear of [secret.value, 'Bearer ', '"steps"', 'u-9']) expect(stored).not.toContain(clear)

    expect(() => restoreState(stored, event, { box, runId: 'another-run' })).toThrow(/cannot be decrypted/)
    const otherKey = createSecretBox(randomBytes(32))
    expect(() => restoreState(stored, event, { box: otherKey, runId: 'r-secret' })).toThrow(
      /cannot be decrypted/,
    )
    expect(() => restoreState(stored, event)).toThrow(/no key to open it/)

    const sent: string[] = []
    const r = await resumeRun(wf('generate-secret'), state, {
      fetch: async (_url, init) => {
        sent.push(String(init.body))
        return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } })
      },
    })
    expect(r.status).toBe('succeeded')
    expect(sent).toEqual([JSON.stringify({ t: secret.value })])
    expect(JSON.stringify(r)).not.toContain(secret.value)
  })

  it('refuse to be stored without a key', async () => {
    let error = ''
    const r = await runWorkflow(wf('generate-secret'), {
      event,
      dryRun: false,
      fetch: () => new Promise(() => {}),
      checkpoint: (s) => {
        try {
          serializeState(s)
        } catch (err) {
          error = (err as Error).message
          throw err
        }
      },
    })
    expect(error).toBe('the run holds generated secrets, and this server has no key to store them encrypted')
    expect(r.status).toBe('failed')
  })

  it('stay plain JSON for runs without secrets', async () => {
    const stored = await checkpointBeforePost(wf('transform'), 'r-plain')
    expect(JSON.parse(stored)).toMatchObject({ runId: 'r-plain', vars: { who: 'u-9' } })
    expect(restoreState(stored, event).runId).toBe('r-plain')
  })
})
