import { z } from 'zod'
import { brazeConnection, brazeConnectionShape, externalUserIdField } from '../shared/braze-config'
import type { NodeSpec } from '../spec'

export const brazeSendMessageConfigSchema = z.object({
  ...brazeConnectionShape,
  channel: z.enum(['email', 'push']).default('email'),
  externalUserId: externalUserIdField,
  appId: z.string().default('').describe('Braze app identifier (required by Braze for email)'),
  campaignId: z
    .string()
    .optional()
    .describe('Optional campaign id to attribute the send to in Braze reports'),
  from: z.string().default('').describe('Email: sender, e.g. "Shop <news@example.com>"'),
  subject: z.string().default('').describe('Email: subject, a {{ }} template'),
  body: z.string().default('').describe('Email: HTML body, a {{ }} template'),
  title: z.string().default('').describe('Push: title, a {{ }} template'),
  alert: z.string().default('').describe('Push: message text, a {{ }} template'),
})
export type BrazeSendMessageConfig = z.infer<typeof brazeSendMessageConfigSchema>

export const brazeSendMessageSpec: NodeSpec<BrazeSendMessageConfig> = {
  id: 'braze-send-message',
  title: 'Braze: send message',
  category: 'messaging',
  icon: 'M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zM22 6l-10 7L2 6',
  description:
    'POST /messages/send: sends an email or a push notification right away, through a Braze connection (50 users per call; more are sent in batches).',
  shape: 'rectangle',
  configSchema: brazeSendMessageConfigSchema,
  defaultConfig: {
    connectionId: '',
    timeoutMs: 15_000,
    channel: 'email',
    externalUserId: 'event.userId',
    appId: '',
    from: '',
    subject: '',
    body: '',
    title: '',
    alert: '',
  },
  sideEffect: true,
  // What a mock starts from (DESIGN §4: the HTTP node's output shape).
  exampleOutput: { status: 201, headers: {}, body: { message: 'success' } },
  expressionFields: ['externalUserId'],
  templateFields: ['subject', 'body', 'title', 'alert'],
  connection: brazeConnection,
  errorHandling: true,
}
