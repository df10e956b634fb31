import { MASK } from '../shared/http'
import type { NodeExecutor } from '../types'
import type { GenerateSecretConfig } from './spec'

interface PreparedSecret {
  bytes: number
  encoding: GenerateSecretConfig['encoding']
  prefix: string
}

// Web Crypto, in browsers and Node alike: the engine stays free of node:crypto.
type WebCrypto = Pick<Crypto, 'getRandomValues' | 'subtle'>
const webCrypto = (): WebCrypto => {
  const c = (globalThis as { crypto?: WebCrypto }).crypto
  if (!c?.getRandomValues || !c.subtle) throw new Error('no secure random source is available here')
  return c
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** `sha256:` and the first 8 hex digits of the secret's SHA-256: names it without revealing it. */
export async function fingerprintOf(secret: string): Promise<string> {
  const digest = await webCrypto().subtle.digest('SHA-256', new TextEncoder().encode(secret))
  return `sha256:${hex(new Uint8Array(digest)).slice(0, 8)}`
}

/**
 * Output `{secret, fingerprint}`. The secret goes to the run as one of its secrets: later
 * steps read it in clear, every trace event and run result shows `•••• sha256:…` instead.
 */
export const generateSecretExecutor: NodeExecutor<GenerateSecretConfig, PreparedSecret> = {
  prepare: (config) => ({ bytes: config.bytes, encoding: config.encoding, prefix: config.prefix ?? '' }),
  execute: async (p) => {
    const random = webCrypto().getRandomValues(new Uint8Array(p.bytes))
    const secret = p.prefix + (p.encoding === 'hex' ? hex(random) : base64url(random))
    const fingerprint = await fingerprintOf(secret)
    return {
      output: { secret, fingerprint },
      secrets: [{ value: secret, shown: `${MASK} ${fingerprint}` }],
    }
  },
}
