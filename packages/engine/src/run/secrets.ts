import type { RunResult, RunState } from './types'

/**
 * A value a step generated that must never be shown in clear (generate-secret): later steps
 * use it through `steps`, while trace events and run results carry `shown` (the secret's
 * fingerprint) wherever the value, or text containing it, would appear.
 */
export interface RunSecret {
  value: string
  shown: string
}

// Shorter values could match ordinary text by chance; generated secrets are far longer.
const MIN_LENGTH = 8

// Below this length a secret is masked where it stands alone, not inside a longer word: a
// one-letter key must not turn "loopback" into "loopbac••••", while the same key as a header
// value, a JSON string or a query parameter is masked.
const WHOLE_WORDS_BELOW = 8

/** `text` with every occurrence of `secret` shown as `shown` (short secrets: whole words only). */
export function replaceSecret(text: string, secret: string, shown: string): string {
  if (secret === '' || !text.includes(secret)) return text
  if (secret.length >= WHOLE_WORDS_BELOW) return text.split(secret).join(shown)
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return text.replace(new RegExp(`(?<![A-Za-z0-9_-])${escaped}(?![A-Za-z0-9_-])`, 'g'), () => shown)
}

function maskText(text: string, secrets: readonly RunSecret[]): string {
  let out = text
  for (const s of secrets) out = replaceSecret(out, s.value, s.shown)
  return out
}

/**
 * A copy of a JSON value with every occurrence of a secret replaced, in strings and in keys
 * (a secret echoed back by an API, copied into a variable or an error message). Values
 * without any come back as they are, so an event without secrets is not copied.
 */
export function maskSecrets<T>(value: T, secrets: readonly RunSecret[]): T {
  const list = secrets.filter((s) => s.value.length >= MIN_LENGTH)
  return list.length === 0 ? value : (mask(value, list) as T)
}

/**
 * The same replacement for values known to be credentials (connection secrets), whatever
 * their length: a short key is still a key (masked where it stands alone, see
 * replaceSecret). Longest first, so a secret containing another is replaced whole.
 */
export function maskEvery<T>(value: T, secrets: readonly RunSecret[]): T {
  const list = secrets.filter((s) => s.value !== '').sort((a, b) => b.value.length - a.value.length)
  return list.length === 0 ? value : (mask(value, list) as T)
}

function mask(value: unknown, secrets: readonly RunSecret[]): unknown {
  if (typeof value === 'string') return maskText(value, secrets)
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null
    for (let i = 0; i < value.length; i++) {
      const v = mask(value[i], secrets)
      if (v !== value[i]) {
        copy ??= value.slice()
        copy[i] = v
      }
    }
    return copy ?? value
  }
  if (value === null || typeof value !== 'object') return value
  const proto = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  let copy: Record<string, unknown> | null = null
  const entries = Object.entries(value as Record<string, unknown>)
  for (const [key, v] of entries) {
    const k = maskText(key, secrets)
    const m = mask(v, secrets)
    if (k !== key || m !== v) {
      copy ??= Object.fromEntries(entries)
      if (k !== key) delete copy[key]
      copy[k] = m
    }
  }
  return copy ?? value
}

/** Adds what a step generated to the run's secrets (a resumed run keeps masking them). */
export function keepSecrets(s: RunState, secrets: readonly RunSecret[] | undefined): void {
  if (!secrets || secrets.length === 0) return
  s.secrets = [...(s.secrets ?? []), ...secrets]
}

/** The run's result as callers see it: masked, except `state`, which must go on in clear. */
export function maskResult(r: RunResult, secrets: readonly RunSecret[] | undefined): RunResult {
  if (!secrets || secrets.length === 0) return r
  const { state, events, ...rest } = r
  const masked: RunResult = maskSecrets(rest, secrets) as RunResult
  // Events were masked as they were emitted.
  if (events) masked.events = events
  if (state) masked.state = state
  return masked
}
