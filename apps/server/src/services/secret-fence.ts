import { type ResolvedConnection, type SecretBinding, secretBinding } from './engine'

/**
 * A connection as the server resolves it: with the origin its secret was saved for, read
 * from the sealed secret itself (connections.ts), not from the settings beside it.
 */
export type BoundConnection = ResolvedConnection & { boundTo: SecretBinding }

export class SecretBindingError extends Error {
  readonly code = 'ERR_SECRET_BINDING'
}

/**
 * The last check before a credential leaves (DESIGN §6 Secrets): each secret of a run's
 * connections may only travel to the origin it was saved for. The HTTP client asks it on
 * every hop (redirects included) and the mail client before it logs in, whatever the step
 * that built the request; so even a step, a setting or a stored row that points a secret
 * elsewhere cannot send it there.
 */
export class SecretFence {
  private readonly origins = new Map<string, Set<string>>()

  constructor(connections: Iterable<ResolvedConnection | null | undefined> = []) {
    for (const c of connections) if (c) this.add(c)
  }

  add(connection: ResolvedConnection & { boundTo?: SecretBinding }): void {
    if (connection.secret === '') return
    const set = this.origins.get(connection.secret) ?? new Set<string>()
    // A resolver that does not say (tests inject their own) binds to the settings given.
    set.add((connection.boundTo ?? secretBinding(connection.type, connection.config)).origin)
    this.origins.set(connection.secret, set)
  }

  get size(): number {
    return this.origins.size
  }

  /**
   * Refuses a request to `url` that carries a secret bound elsewhere, as a header's whole
   * value or as its credential part (`Bearer …`), which is how connections attach them.
   * Values are compared whole, not searched: a one-letter secret must not stop every
   * request that happens to contain that letter.
   */
  checkHttp(url: URL, headers: Record<string, string | number | undefined>): void {
    if (this.origins.size === 0) return
    for (const raw of Object.values(headers)) {
      if (raw === undefined) continue
      const value = String(raw)
      for (const candidate of [value, credentialPart(value)]) {
        const origins = candidate === undefined ? undefined : this.origins.get(candidate)
        if (origins && !origins.has(url.origin)) throw refusal(url.origin, [...origins])
      }
    }
  }

  /** Refuses a mail login whose password was saved for another server (or TLS setting). */
  checkMail(connection: { config: Record<string, unknown>; secret: string }): void {
    if (connection.secret === '') return
    const origins = this.origins.get(connection.secret)
    const { origin } = secretBinding('smtp', connection.config)
    if (!origins?.has(origin)) throw refusal(origin, origins ? [...origins] : [])
  }
}

const credentialPart = (value: string) => /^[A-Za-z][\w-]*\s+(.+)$/.exec(value)?.[1]

function refusal(target: string, allowed: string[]): SecretBindingError {
  const where =
    allowed.length > 0 ? `it was saved for ${allowed.join(', ')}` : 'it was saved for another host'
  return new SecretBindingError(
    `refused: a connection secret may not be sent to ${target}; ${where}. Enter the secret again to use it there`,
  )
}

/** What an HTTP request of a run carries besides fetch's own options. */
export interface FencedInit {
  fence?: SecretFence
}
