import { useSyncExternalStore } from 'react'

/**
 * A tiny hash router: `#/workflows`, `#/workflows/:id`, the audit area (`#/audit…`) and
 * runs (`#/runs`, `#/runs/:runId`), the approvals inbox (`#/inbox`). Hash URLs survive a reload without the server knowing
 * the app's routes; a history-style path (`/workflows/abc`) served by a fallback is turned
 * into its hash form on load. List filters live in the hash's query (`#/runs?status=failed`)
 * so a filtered view can be linked to and survives a reload.
 */
export type Query = Record<string, string>
export type Route =
  | { name: 'workflows' }
  | { name: 'editor'; id: string }
  | { name: 'audit-workflows' }
  | { name: 'audit-log'; query: Query }
  | { name: 'history'; id: string; version?: number }
  | { name: 'diff'; id: string; from: number; to: number }
  | { name: 'runs'; query: Query }
  | { name: 'run'; runId: string }
  | { name: 'connections' }
  | { name: 'sources' }
  | { name: 'inbox' }
  | { name: 'system' }
  | { name: 'people' }
  | { name: 'account' }
  | { name: 'set-password'; token: string }
  | { name: 'not-found'; path: string }

const seg = '([^/?#]+)'
const ROUTES: [RegExp, (m: string[], query: Query) => Route][] = [
  [/^\/(workflows\/?)?$/, () => ({ name: 'workflows' })],
  [new RegExp(`^/workflows/${seg}/?$`), (m) => ({ name: 'editor', id: m[1] })],
  [/^\/audit\/?$/, () => ({ name: 'audit-workflows' })],
  [/^\/audit\/log\/?$/, (_, query) => ({ name: 'audit-log', query })],
  [new RegExp(`^/audit/workflows/${seg}/?$`), (m) => ({ name: 'history', id: m[1] })],
  [
    new RegExp(`^/audit/workflows/${seg}/v/(\\d+)/?$`),
    (m) => ({ name: 'history', id: m[1], version: Number(m[2]) }),
  ],
  [
    new RegExp(`^/audit/workflows/${seg}/diff/(\\d+)/(\\d+)/?$`),
    (m) => ({ name: 'diff', id: m[1], from: Number(m[2]), to: Number(m[3]) }),
  ],
  [/^\/runs\/?$/, (_, query) => ({ name: 'runs', query })],
  [new RegExp(`^/runs/${seg}/?$`), (m) => ({ name: 'run', runId: m[1] })],
  [/^\/connections\/?$/, () => ({ name: 'connections' })],
  [/^\/sources\/?$/, () => ({ name: 'sources' })],
  [/^\/inbox\/?$/, () => ({ name: 'inbox' })],
  [/^\/system\/?$/, () => ({ name: 'system' })],
  [/^\/people\/?$/, () => ({ name: 'people' })],
  [/^\/account\/?$/, () => ({ name: 'account' })],
  // The public page of a one-time set-password link (an invitation or a reset).
  [new RegExp(`^/set-password/${seg}/?$`), (m) => ({ name: 'set-password', token: m[1] })],
]

export function parseRoute(hash: string): Route {
  const full = hash.replace(/^#/, '') || '/'
  const q = full.indexOf('?')
  const path = q === -1 ? full : full.slice(0, q)
  const query = Object.fromEntries(new URLSearchParams(q === -1 ? '' : full.slice(q + 1)))
  for (const [re, build] of ROUTES) {
    const m = re.exec(path)
    if (m)
      return build(
        m.map((part, i) => (i === 0 || part === undefined ? part : decodeURIComponent(part))),
        query,
      )
  }
  return { name: 'not-found', path: full }
}

export function workflowPath(id: string): string {
  return `/workflows/${encodeURIComponent(id)}`
}

/** A path with its filters as the hash query; empty values are left out. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

/** A workflow's version timeline, optionally showing one version on the canvas. */
export function historyPath(id: string, version?: number): string {
  const base = `/audit/workflows/${encodeURIComponent(id)}`
  return version ? `${base}/v/${version}` : base
}

export function diffPath(id: string, from: number, to: number): string {
  return `/audit/workflows/${encodeURIComponent(id)}/diff/${from}/${to}`
}

export function runsPath(query: Record<string, string | number | undefined> = {}): string {
  return withQuery('/runs', query)
}

export function runPath(runId: string): string {
  return `/runs/${encodeURIComponent(runId)}`
}

export const INBOX_PATH = '/inbox'

export function auditLogPath(query: Record<string, string | number | undefined> = {}): string {
  return withQuery('/audit/log', query)
}

type Guard = () => string | null
const guards = new Set<Guard>()
const listeners = new Set<() => void>()
let current = typeof location === 'undefined' ? '' : location.hash

if (typeof location !== 'undefined' && location.hash === '' && location.pathname !== '/') {
  history.replaceState(null, '', `/#${location.pathname}${location.search}`)
  current = location.hash
}

function blockedMessage(): string | null {
  for (const guard of guards) {
    const message = guard()
    if (message) return message
  }
  return null
}

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    if (location.hash === current) return
    const message = blockedMessage()
    if (message && !window.confirm(message)) {
      // Back/forward already moved the URL: put the editor's URL back.
      history.pushState(null, '', current || '#/')
      return
    }
    current = location.hash
    for (const l of listeners) l()
  })
}

/** In-app navigation; asks first when a guard (e.g. unsaved changes) objects. */
export function navigate(path: string, opts: { replace?: boolean; force?: boolean } = {}): boolean {
  const hash = `#${path}`
  if (hash === current) return true
  if (!opts.force) {
    const message = blockedMessage()
    if (message && !window.confirm(message)) return false
  }
  current = hash
  if (opts.replace) history.replaceState(null, '', hash)
  else history.pushState(null, '', hash)
  for (const l of listeners) l()
  return true
}

/** Asks the guards (e.g. unsaved changes) before leaving the current page another way (sign out). */
export function confirmLeave(): boolean {
  const message = blockedMessage()
  return !message || window.confirm(message)
}

/** Registers a navigation guard; returns its remover. */
export function addNavigationGuard(guard: Guard): () => void {
  guards.add(guard)
  return () => guards.delete(guard)
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function currentRoute(): Route {
  return parseRoute(current)
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => current)
  return parseRoute(hash)
}
