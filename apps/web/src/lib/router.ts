import { useSyncExternalStore } from 'react'

/**
 * A tiny hash router: `#/workflows`, `#/workflows/:id`. Hash URLs survive a reload without
 * the server knowing the app's routes; a history-style path (`/workflows/abc`) served by a
 * fallback is turned into its hash form on load.
 */
export type Route =
  | { name: 'workflows' }
  | { name: 'editor'; id: string }
  | { name: 'not-found'; path: string }

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/'
  if (path === '/' || path === '/workflows' || path === '/workflows/') return { name: 'workflows' }
  const m = /^\/workflows\/([^/?#]+)\/?$/.exec(path)
  if (m) return { name: 'editor', id: decodeURIComponent(m[1]) }
  return { name: 'not-found', path }
}

export function workflowPath(id: string): string {
  return `/workflows/${encodeURIComponent(id)}`
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
