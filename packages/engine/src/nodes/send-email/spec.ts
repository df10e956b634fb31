import { z } from 'zod'
import { connectionIdField, errorHandlingShape } from '../shared/spec-fields'
import type { NodeSpec } from '../spec'

// Checked, not trimmed: a body keeps its line breaks as written.
const filled = (v: string) => v.trim() !== ''

export const sendEmailConfigSchema = z.object({
  connectionId: connectionIdField('SMTP connection: the mail server, its login and the sender address'),
  to: z
    .string()
    .trim()
    .min(1, 'write who receives it')
    .describe(
      'Recipients, a {{ }} template, e.g. {{ event.context.traits.email }}; several separated by commas',
    ),
  subject: z.string().refine(filled, 'write a subject').describe('Subject line, a {{ }} template'),
  text: z.string().refine(filled, 'write the message').describe('Plain-text body, a {{ }} template'),
  html: z
    .string()
    .optional()
    .describe('Optional HTML body, a {{ }} template; mail clients that show HTML prefer it to the text'),
  // onError: fail (default) | retry (the same Message-ID, so a retried send is recognisable) | continue.
  ...errorHandlingShape,
})
export type SendEmailConfig = z.infer<typeof sendEmailConfigSchema>

export const sendEmailSpec: NodeSpec<SendEmailConfig> = {
  id: 'send-email',
  title: 'Send e-mail',
  category: 'messaging',
  icon: 'M22 2 11 13M22 2l-7 20-4-9-9-4 20-7z',
  description:
    'Sends an e-mail through an SMTP connection. Output: {messageId, accepted}. Test runs record the message instead of sending it; the Message-ID comes from the run, step and visit, so a repeated send is recognisable.',
  shape: 'rectangle',
  configSchema: sendEmailConfigSchema,
  defaultConfig: {
    connectionId: '',
    to: '{{ event.context.traits.email }}',
    subject: 'Hello {{ event.context.traits.firstName }}',
    text: 'Thanks for being with us.',
  },
  sideEffect: true,
  exampleOutput: { messageId: '<run-1.n5.1@example.com>', accepted: ['someone@example.com'] },
  templateFields: ['to', 'subject', 'text', 'html'],
  connection: { field: 'connectionId', type: 'smtp', required: true },
  errorHandling: true,
}
