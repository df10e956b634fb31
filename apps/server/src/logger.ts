import pino, { type DestinationStream, type Logger } from 'pino'

/**
 * pino with secrets redacted by path, in case one is ever logged by accident. `destination`
 * lets tests capture every line (the secret-leak test scans them).
 */
export function createLogger(
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
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
        'apiKey',
        '*.apiKey',
        'authorization',
        '*.authorization',
        '*.headers.authorization',
        '*.headers.Authorization',
      ],
      censor: '[redacted]',
    },
  }
  return destination ? pino(options, destination) : pino(options)
}
