import type { CancelSignal } from '../../run/cancellation'
import type { SmtpConnectionConfig } from './connections'

/** An e-mail as a send-email step hands it to the transport: every header already decided. */
export interface MailMessage {
  from: string
  to: string[]
  subject: string
  text: string
  html?: string
  /** `<…@domain>`, derived from the idempotency key: a repeated send carries the same one. */
  messageId: string
  /** Extra headers (the idempotency key). */
  headers: Record<string, string>
}

export interface SentMail {
  messageId: string
  /** The recipients the server accepted. */
  accepted: string[]
}

/**
 * The SMTP transport, injected like `fetch`: the engine stays free of Node's sockets (the
 * server implements it with nodemailer behind its outbound guard). `connection` carries the
 * password; it must never appear in what the promise rejects with.
 */
export type SendMail = (
  connection: { config: SmtpConnectionConfig; secret: string },
  message: MailMessage,
  options: { idempotencyKey: string; signal?: CancelSignal },
) => Promise<SentMail>

// RFC 5322 dot-atom text, less the dot (which separates the key's parts).
const ATOM_CHAR = /[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]/
const encoder = new TextEncoder()

function atom(part: string): string {
  let out = ''
  for (const ch of part) {
    out += ATOM_CHAR.test(ch)
      ? ch
      : [...encoder.encode(ch)].map((b) => `=${b.toString(16).padStart(2, '0')}`).join('')
  }
  return out === '' ? '=' : out
}

/** The domain of a sender such as `Shop <news@example.com>`, for the right side of a Message-ID. */
function domainOf(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)
  return m ? m[1].toLowerCase() : 'flowline.invalid'
}

/**
 * `runId:nodeId:visit` as a Message-ID (`<runId.nodeId.visit@sender-domain>`): the same send
 * repeated after a crash carries the same id, which mail servers and clients use to drop
 * duplicates, as an API uses an Idempotency-Key.
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  return `<${idempotencyKey.split(':').map(atom).join('.')}@${domainOf(from)}>`
}

/**
 * Recipients of a rendered `to`: comma- or semicolon-separated addresses (commas inside quoted
 * names or angle brackets do not split), or a JSON list of them (a template that gave an array).
 */
export function parseRecipients(text: string): string[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) {
    try {
      const list = JSON.parse(trimmed) as unknown
      if (Array.isArray(list) && list.every((a) => typeof a === 'string')) return checked(list)
    } catch {
      // not JSON: read it as an address list
    }
  }
  const parts: string[] = []
  let current = ''
  let quoted = false
  let angle = false
  for (const ch of trimmed) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && ch === '<') angle = true
    else if (!quoted && ch === '>') angle = false
    if ((ch === ',' || ch === ';') && !quoted && !angle) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return checked(parts)
}

function checked(list: string[]): string[] {
  const addresses = list.map((a) => a.trim()).filter((a) => a !== '')
  if (addresses.length === 0) throw new Error('to: no recipient (the template gave no address)')
  for (const a of addresses) {
    // A line break would start a new header: never let event data write headers.
    if (/[\r\n]/.test(a) || !/@[^\s@>]+>?$/.test(a))
      throw new Error(`to: ${JSON.stringify(a.slice(0, 100))} is not an e-mail address`)
  }
  return addresses
}
