import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createSecretBox, KEY_FILE, loadSecretKey } from './secret-box'

const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowline-key-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('connection secret encryption', () => {
  it('seals with AES-256-GCM, bound to the connection id', () => {
    const box = createSecretBox(randomBytes(32))
    const sealed = box.encrypt('braze-key-123', 'conn_a')
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(sealed).not.toContain('braze-key-123')
    expect(box.encrypt('braze-key-123', 'conn_a')).not.toBe(sealed)
    expect(box.decrypt(sealed, 'conn_a')).toBe('braze-key-123')
    expect(() => box.decrypt(sealed, 'conn_b')).toThrow()
    expect(() => createSecretBox(randomBytes(32)).decrypt(sealed, 'conn_a')).toThrow()
  })

  it('generates the key once into the data directory, owner-only, and says so in the log', () => {
    const dir = tempDir()
    const lines: string[] = []
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(l) })
    const key = loadSecretKey({ dataDir: dir, logger })
    expect(key).toHaveLength(32)
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600)
    expect(lines.join('')).toContain('generated a new key for encrypting connection secrets')
    expect(lines.join('')).not.toContain(key.toString('base64'))
    expect(loadSecretKey({ dataDir: dir, logger })).toEqual(key)
    expect(lines).toHaveLength(1)
  })

  it('takes FLOWLINE_SECRET_KEY as hex, base64 or a passphrase', () => {
    const raw = randomBytes(32)
    const dir = tempDir()
    expect(loadSecretKey({ secretKey: raw.toString('hex'), dataDir: dir })).toEqual(raw)
    expect(loadSecretKey({ secretKey: raw.toString('base64'), dataDir: dir })).toEqual(raw)
    const derived = loadSecretKey({ secretKey: 'correct horse battery staple', dataDir: dir })
    expect(derived).toHaveLength(32)
    expect(loadSecretKey({ secretKey: 'correct horse battery staple', dataDir: dir })).toEqual(derived)
    expect(() => loadSecretKey({ secretKey: 'short', dataDir: dir })).toThrow(/too short/)
    expect(() => readFileSync(join(dir, KEY_FILE))).toThrow()
  })

  it('refuses a damaged key file instead of silently replacing it', () => {
    const dir = tempDir()
    writeFileSync(join(dir, KEY_FILE), 'not a key', { mode: 0o600 })
    expect(() => loadSecretKey({ dataDir: dir })).toThrow(/does not hold a 32-byte key/)
  })
})
