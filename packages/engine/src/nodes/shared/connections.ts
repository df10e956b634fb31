import { z } from 'zod'
import type { MaybePromise } from '../types'

/**
 * Connections: named, typed credentials kept by the server, encrypted at rest. A node's
 * config names one by id (`connectionId`); the secret only meets the engine at run time,
 * through the `resolveConnection` run option, and never lands in config, notation or traces.
 * Browser-safe: the web builds the connections form from `connectionKinds`.
 */
export const connectionTypes = ['braze', 'http'] as const
export type ConnectionType = (typeof connectionTypes)[number]

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is empty`)
    .refine((v) => /^https?:\/\/[^/\s?#]+/i.test(v), `${what} must start with https:// (or http://)`)
    .refine((v) => !/[?#]/.test(v), `${what} must not hold a query or fragment`)

// An HTTP header name (RFC 9110 token), so a bad name fails on save rather than on send.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

export const brazeConnectionConfigSchema = z.object({
  restEndpoint: httpUrl('restEndpoint').describe(
    'REST endpoint of your Braze instance, e.g. https://rest.iad-01.braze.com',
  ),
})

export const httpConnectionConfigSchema = z
  .object({
    baseUrl: httpUrl('baseUrl').describe('Requests using this connection must go below this URL'),
    auth: z.enum(['bearer', 'header', 'none']).default('bearer'),
    headerName: z
      .string()
      .regex(HEADER_NAME, 'headerName must be a plain header name, e.g. X-Api-Key')
      .optional()
      .describe('With auth "header": the header that carries the secret'),
  })
  .refine((c) => c.auth !== 'header' || !!c.headerName, {
    message: 'auth "header" needs a headerName',
    path: ['headerName'],
  })

export type BrazeConnectionConfig = z.infer<typeof brazeConnectionConfigSchema>
export type HttpConnectionConfig = z.infer<typeof httpConnectionConfigSchema>

export const connectionConfigSchemas = {
  braze: brazeConnectionConfigSchema,
  http: httpConnectionConfigSchema,
} as const

/**
 * What the connections page shows per type: its title, a one-line summary, the settings a
 * new connection starts with (its form is generated from `connectionConfigSchemas`), the
 * secret's label and whether one is required.
 */
export interface ConnectionKind {
  title: string
  summary: string
  defaultConfig: Record<string, unknown>
  secretLabel: string
  secretRequired: (config: Record<string, unknown>) => boolean
}

export const connectionKinds: Record<ConnectionType, ConnectionKind> = {
  braze: {
    title: 'Braze',
    summary: 'REST endpoint + API key',
    defaultConfig: { restEndpoint: 'https://rest.iad-01.braze.com' },
    secretLabel: 'REST API key',
    secretRequired: () => true,
  },
  http: {
    title: 'HTTP API',
    summary: 'base URL + token or header',
    defaultConfig: { baseUrl: 'https://', auth: 'bearer' },
    secretLabel: 'Token or header value',
    secretRequired: (config) => config.auth !== 'none',
  },
}

export type ResolvedConnection =
  | { id: string; name: string; type: 'braze'; config: BrazeConnectionConfig; secret: string }
  | { id: string; name: string; type: 'http'; config: HttpConnectionConfig; secret: string }

/** What validation needs to know of a connection: never its secret or settings. */
export interface ConnectionInfo {
  id: string
  name: string
  type: string
}

/** Looks a connection up by id for one run; null when there is no such connection. */
export type ConnectionResolver = (id: string) => MaybePromise<ResolvedConnection | null>

/** Resolves `id` and checks its type; the messages name the step's field, so users know what to fix. */
export function requireConnection<T extends ConnectionType>(
  resolved: ResolvedConnection | null,
  id: string,
  type: T,
): Extract<ResolvedConnection, { type: T }> {
  if (!resolved) throw new Error(`connection "${id}" does not exist (deleted?): choose another one`)
  if (resolved.type !== type) {
    throw new Error(
      `connection "${resolved.name}" is a ${resolved.type} connection; this step needs a ${connectionKinds[type].title} connection`,
    )
  }
  return resolved as Extract<ResolvedConnection, { type: T }>
}

/** Joins a base URL and a path without doubling or dropping the slash between them. */
export function joinUrl(base: string, path: string): string {
  const b = base.trim().replace(/\/+$/, '')
  if (path === '') return b
  return path.startsWith('/') ? `${b}${path}` : `${b}/${path}`
}
