import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scryptSync } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'

/**
 * Encryption of connection secrets at rest: AES-256-GCM with a random 96-bit IV per value
 * and the connection id as additional authenticated data, so a ciphertext copied onto
 * another row does not decrypt. Stored as `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
export interface SecretBox {
  encrypt(plain: string, aad: string): string
  decrypt(sealed: string, aad: string): string
  /** A short, non-reversible fingerprint of the key, to notice a changed key at start. */
  readonly fingerprint: string
}

export const KEY_FILE = 'secret.key'
const KEY_BYTES = 32
// Fixed and public on purpose: it only separates Flowline's derivation from other uses of a
// passphrase. A passphrase should still be long; a random 32-byte key needs no stretching.
const PASSPHRASE_SALT = 'flowline/connection-secrets/v1'

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) throw new Error(`the secret key must be ${KEY_BYTES} bytes`)
  return {
    encrypt(plain, aad) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(aad, 'utf8'))
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'))
      return `v1.${parts.join('.')}`
    },
    decrypt(sealed, aad) {
      const [version, iv, tag, data] = sealed.split('.')
      if (version !== 'v1' || data === undefined) throw new Error('unknown secret format')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(aad, 'utf8'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      )
    },
    fingerprint: createHmac('sha256', key).update('flowline key check').digest('hex').slice(0, 16),
  }
}

/**
 * A key for one purpose (e.g. sealing run states on run threads), derived from the server's
 * key with HKDF: whoever holds it can open nothing sealed with the key itself.
 */
export function deriveKey(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, 'flowline/derived-keys/v1', `flowline/${purpose}`, KEY_BYTES))
}

/** 64 hex digits or base64 of exactly 32 bytes; anything else is a passphrase. */
function decodeKey(text: string): Buffer | null {
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex')
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
    if (bytes.length === KEY_BYTES) return bytes
  }
  return null
}

export interface KeySource {
  /** FLOWLINE_SECRET_KEY */
  secretKey?: string
  /** FLOWLINE_DATA_DIR: where a generated key is kept when no key is configured. */
  dataDir: string
  logger?: Logger
}

/**
 * The key for connection secrets: FLOWLINE_SECRET_KEY (32 bytes as hex or base64, or a
 * passphrase stretched with scrypt), else `secret.key` in the data directory, generated on
 * first start with owner-only permissions. Several servers or workers sharing one database
 * must share the key: set FLOWLINE_SECRET_KEY for them.
 */
export function loadSecretKey({ secretKey, dataDir, logger }: KeySource): Buffer {
  const configured = secretKey?.trim()
  if (configured) {
    const raw = decodeKey(configured)
    if (raw) return raw
    if (configured.length < 12)
      throw new Error('FLOWLINE_SECRET_KEY is too short for a passphrase (12+ characters)')
    logger?.info('FLOWLINE_SECRET_KEY is a passphrase: deriving the connection key with scrypt')
    return scryptSync(configured, PASSPHRASE_SALT, KEY_BYTES, {
      N: 2 ** 15,
      r: 8,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    })
  }
  const file = join(dataDir, KEY_FILE)
  try {
    const key = decodeKey(readFileSync(file, 'utf8').trim())
    if (!key) throw new Error(`${file} does not hold a 32-byte key (hex or base64)`)
    if ((statSync(file).mode & 0o077) !== 0) {
      chmodSync(file, 0o600)
      logger?.warn(
        { path: file },
        'the connection key file was readable by others; restricted it to its owner',
      )
    }
    return key
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  mkdirSync(dataDir, { recursive: true })
  const key = randomBytes(KEY_BYTES)
  try {
    // 'wx': never overwrite a key another process created a moment ago.
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadSecretKey({ dataDir, logger })
    throw err
  }
  logger?.warn(
    { path: file },
    'generated a new key for encrypting connection secrets; back this file up with the database (without it, saved connection secrets cannot be read) or set FLOWLINE_SECRET_KEY',
  )
  return key
}
