import { z } from 'zod'
import type { MaybePromise } from '../types'

/**
 * Connections: named, typed credentials kept by the server, encrypted at rest. A node's
 * config names one by id (`connectionId`); the secret only meets the engine at run time,
 * through the `resolveConnection` run option, and never lands in config, notation or traces.
 * Browser-safe: the web builds the connections form from `connectionKinds`.
 */
export const connectionTypes = ['braze', 'http', 'smtp'] as const
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

// A bare host name or IP address: the port has its own field, and a URL here is a mistake.
const bareHost = (v: string) => !/[\s/@?#]/.test(v) && v.split(':').length !== 2

export const smtpConnectionConfigSchema = z.object({
  host: z
    .string()
    .trim()
    .min(1, 'host is empty')
    .refine(
      bareHost,
      'host must be a bare host name or IP address (no scheme or port), e.g. smtp.example.com',
    )
    .describe('SMTP server, e.g. smtp.example.com'),
  port: z.number().int().min(1).max(65_535).default(587).describe('587 (STARTTLS) or 465 (TLS) usually'),
  secure: z
    .boolean()
    .default(false)
    .describe('TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it'),
  user: z.string().trim().default('').describe('Login name; empty: send without logging in'),
  from: z
    .string()
    .trim()
    .min(1, 'from is empty')
    .refine(
      (v) => /@[^\s@>]+>?$/.test(v) && !/[\r\n]/.test(v),
      'from must be an address, e.g. Shop <news@example.com>',
    )
    .describe('Sender of every message, e.g. "Shop <news@example.com>"'),
})

export type BrazeConnectionConfig = z.infer<typeof brazeConnectionConfigSchema>
export type HttpConnectionConfig = z.infer<typeof httpConnectionConfigSchema>
export type SmtpConnectionConfig = z.infer<typeof smtpConnectionConfigSchema>

export const connectionConfigSchemas = {
  braze: brazeConnectionConfigSchema,
  http: httpConnectionConfigSchema,
  smtp: smtpConnectionConfigSchema,
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
  smtp: {
    title: 'SMTP (e-mail)',
    summary: 'mail server + login',
    defaultConfig: { host: '', port: 587, secure: false, user: '', from: '' },
    secretLabel: 'Password',
    // Without a login name the server is used unauthenticated (a relay that trusts the sender).
    secretRequired: (config) => typeof config.user === 'string' && config.user.trim() !== '',
  },
}

/**
 * Where a connection's secret may go (DESIGN §6 Secrets): the origin its requests reach, and
 * `key`, which also says how the secret travels there (TLS for mail, the auth header). The
 * server seals a secret together with its key: settings that change the key (another
 * endpoint, base URL, mail host or port, auth header) need the secret entered again, and a
 * request carrying the secret to any other origin is refused when it is sent.
 */
export interface SecretBinding {
  origin: string
  key: string
}

export function secretBinding(type: ConnectionType, config: Record<string, unknown>): SecretBinding {
  if (type === 'smtp') {
    const host = String(config.host ?? '')
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
    const origin = `smtp://${host.includes(':') ? `[${host}]` : host}:${Number(config.port ?? 587)}`
    return { origin, key: `${origin} ${config.secure ? 'tls' : 'starttls'}` }
  }
  const origin = originOf(String((type === 'braze' ? config.restEndpoint : config.baseUrl) ?? ''))
  if (type === 'braze') return { origin, key: `${origin} bearer` }
  const auth = String(config.auth ?? 'bearer')
  const header = auth === 'header' ? `:${String(config.headerName ?? '').toLowerCase()}` : ''
  return { origin, key: `${origin} ${auth}${header}` }
}

function originOf(url: string): string {
  try {
    return new URL(url.trim()).origin
  } catch {
    return `invalid:${url.trim()}`
  }
}

export type ResolvedConnection =
  | { id: string; name: string; type: 'braze'; config: BrazeConnectionConfig; secret: string }
  | { id: string; name: string; type: 'http'; config: HttpConnectionConfig; secret: string }
  | { id: string; name: string; type: 'smtp'; config: SmtpConnectionConfig; secret: string }

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
