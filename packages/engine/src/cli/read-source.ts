import { readFileSync } from 'node:fs'

export type SourceResult = { ok: true; text: string } | { ok: false; message: string }

/**
 * Reads a workflow file (`-` = standard input) as strict UTF-8: a binary or mis-encoded
 * file is refused with the place of its first bad byte instead of being parsed as
 * replacement characters.
 */
export function readSource(file: string): SourceResult {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file === '-' ? 0 : file)
  } catch (err) {
    return { ok: false, message: `${file}: cannot read the file: ${describeFsError(err)}` }
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) }
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes)
    const bad = Math.max(0, text.indexOf('\ufffd'))
    const before = text.slice(0, bad)
    const line = before.split(/\r\n|\r|\n/).length
    const column = bad - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'))
    return {
      ok: false,
      message: `${file}:${line}:${column}: the file is not UTF-8 text (is it a binary file?)`,
    }
  }
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: string }).code
  switch (code) {
    case 'ENOENT':
      return 'no such file'
    case 'EISDIR':
      return 'it is a directory'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    default:
      return err instanceof Error ? err.message : String(err)
  }
}
