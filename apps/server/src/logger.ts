import pino, { type Logger } from 'pino'

/** pino with secrets redacted by path, in case one is ever logged by accident. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { app: 'flowline' },
    redact: {
      paths: [
        'password',
        '*.password',
        'password_hash',
        '*.password_hash',
        'secret',
        '*.secret',
        'webhook_secret',
        '*.webhook_secret',
        'token',
        '*.token',
        'req.headers.cookie',
        'req.headers["x-signature"]',
      ],
      censor: '[redacted]',
    },
  })
}
