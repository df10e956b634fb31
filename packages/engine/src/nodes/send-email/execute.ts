import type { RecordedRequest } from '../../run/trace'
import { requireConnection, type SmtpConnectionConfig } from '../shared/connections'
import { compileTemplate, evalTemplate, type TemplateField } from '../shared/fields'
import { IDEMPOTENCY_HEADER, idempotencyKey, scrub } from '../shared/http'
import { type MailMessage, messageIdFor, parseRecipients } from '../shared/mail'
import { all, andThen } from '../shared/maybe'
import type { ExecuteContext, MaybePromise, NodeExecutor, StepOutcome } from '../types'
import type { SendEmailConfig } from './spec'

interface PreparedEmail {
  connectionId: string
  to: TemplateField
  subject: TemplateField
  text: TemplateField
  html: TemplateField | null
}

interface SmtpAuth {
  config: SmtpConnectionConfig
  secret: string
}

/** Dry runs without a connection (the CLI) record the message as if sent from here. */
const placeholder: SmtpAuth = {
  config: {
    host: 'smtp.example.invalid',
    port: 587,
    secure: false,
    user: '',
    from: 'Flowline <flowline@example.invalid>',
  },
  secret: '',
}

function connectionFor(p: PreparedEmail, ctx: ExecuteContext): MaybePromise<SmtpAuth> {
  if (p.connectionId === '') {
    if (ctx.dryRun) return placeholder
    throw new Error('no SMTP connection is selected: choose one in the step settings (connectionId)')
  }
  if (!ctx.resolveConnection) {
    if (ctx.dryRun) return placeholder
    throw new Error(`connections are not available here, so connection "${p.connectionId}" cannot send`)
  }
  return andThen(ctx.resolveConnection(p.connectionId), (resolved) => {
    const c = requireConnection(resolved, p.connectionId, 'smtp')
    return { config: c.config, secret: c.secret }
  })
}

/** What the trace shows: where the message goes and the message itself, never the password. */
function recordMail(config: SmtpConnectionConfig, m: MailMessage): RecordedRequest {
  const host = config.host.includes(':') && !config.host.startsWith('[') ? `[${config.host}]` : config.host
  const body: Record<string, unknown> = { from: m.from, to: m.to, subject: m.subject, text: m.text }
  if (m.html !== undefined) body.html = m.html
  return {
    method: 'SEND',
    url: `${config.secure ? 'smtps' : 'smtp'}://${host}:${config.port}`,
    headers: { 'Message-ID': m.messageId, ...m.headers },
    body,
  }
}

function send(
  ctx: ExecuteContext,
  auth: SmtpAuth,
  message: MailMessage,
  key: string,
): MaybePromise<StepOutcome> {
  const request = recordMail(auth.config, message)
  if (ctx.dryRun) return { output: { messageId: message.messageId, accepted: message.to }, request }
  const sendMail = ctx.sendMail
  if (!sendMail)
    throw new Error('sending e-mail is not available here: the run was started without an SMTP transport')
  return sendMail(auth, message, { idempotencyKey: key, signal: ctx.signal }).then(
    (sent) => ({ output: { messageId: sent.messageId, accepted: sent.accepted }, request }),
    (err: unknown) => {
      const reason = scrub((err as Error)?.message ?? String(err), auth.secret === '' ? [] : [auth.secret])
      throw new Error(`${request.url}: ${reason}`)
    },
  )
}

/** Output `{messageId, accepted}`: the Message-ID sent and the recipients the server took. */
export const sendEmailExecutor: NodeExecutor<SendEmailConfig, PreparedEmail> = {
  prepare: (config) => ({
    connectionId: config.connectionId.trim(),
    to: compileTemplate('to', config.to),
    subject: compileTemplate('subject', config.subject),
    text: compileTemplate('text', config.text),
    html: config.html?.trim() ? compileTemplate('html', config.html) : null,
  }),
  execute: (p, ctx) => {
    const parts: unknown[] = [
      connectionFor(p, ctx),
      evalTemplate(p.to, ctx.scope),
      evalTemplate(p.subject, ctx.scope),
      evalTemplate(p.text, ctx.scope),
      p.html ? evalTemplate(p.html, ctx.scope) : undefined,
    ]
    return andThen(all(parts), ([auth, to, subject, text, html]) => {
      const { config } = auth as SmtpAuth
      const key = idempotencyKey(ctx)
      const message: MailMessage = {
        from: config.from,
        to: parseRecipients(to as string),
        // A line break in a header would start another one: event data never writes headers.
        subject: (subject as string).replace(/[\r\n]+/g, ' ').trim(),
        text: text as string,
        messageId: messageIdFor(key, config.from),
        headers: { [IDEMPOTENCY_HEADER]: key },
      }
      if (html !== undefined) message.html = html as string
      return send(ctx, auth as SmtpAuth, message, key)
    })
  },
}
