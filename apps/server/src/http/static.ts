import { createReadStream, existsSync, type Stats } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
}

// React Flow and CodeMirror inject inline styles; scripts stay same-origin: no inline
// scripts and no eval. zod 4 would probe `new Function`; the web app turns that off first
// (apps/web/src/jitless.ts), and JSONata interprets expressions without generating code.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ')

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Flowline</title>
<p>The Flowline server is running, but the web app has not been built yet.
Run <code>npm run build</code> (or <code>npm start</code>, which builds first). The API is at <code>/trpc</code>.</p>`

/** Serves the built web app: hashed assets cached forever, index.html for every app route. */
export function createStaticHandler(distDir: string) {
  const root = resolve(distDir)
  const index = join(root, 'index.html')

  async function sendFile(
    req: IncomingMessage,
    res: ServerResponse,
    file: string,
    info: Stats,
    immutable: boolean,
  ) {
    const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`
    res.setHeader('content-type', type)
    res.setHeader('etag', etag)
    res.setHeader('last-modified', info.mtime.toUTCString())
    // Vite fingerprints everything under assets/; anything else (index.html) must revalidate.
    res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    if (type.startsWith('text/html')) res.setHeader('content-security-policy', CSP)
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304
      res.end()
      return
    }
    res.setHeader('content-length', info.size)
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    const stream = createReadStream(file)
    stream.on('error', () => res.destroy())
    stream.pipe(res)
  }

  return async function serveStatic(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ): Promise<void> {
    if (!existsSync(index)) {
      res.writeHead(pathname === '/' || !extname(pathname) ? 200 : 404, {
        'content-type': 'text/html; charset=utf-8',
      })
      res.end(NOT_BUILT)
      return
    }
    let decoded: string
    try {
      decoded = decodeURIComponent(pathname)
    } catch {
      decoded = ''
    }
    const file = resolve(join(root, decoded))
    if (decoded && (file === root || file.startsWith(root + sep)) && !decoded.includes('\0')) {
      const info = await stat(file).catch(() => null)
      if (info?.isFile()) return sendFile(req, res, file, info, decoded.startsWith('/assets/'))
    }
    // A missing asset is a real 404; any other path is a client-side route of the SPA.
    if (extname(decoded)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('Not found')
      return
    }
    const info = await stat(index)
    return sendFile(req, res, index, info, false)
  }
}
