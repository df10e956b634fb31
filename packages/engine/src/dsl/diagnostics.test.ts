import { describe, expect, it } from 'vitest'
import { codeFrame, formatDiagnostic } from './diagnostics'
import { parse } from './parser'

describe('diagnostics', () => {
  it('point a caret at the offending token, with the line before for context', () => {
    const source = 'T\nA {\n\tn1: blob label:"x"\n}'
    const [diag] = parse(source, { file: 'x.flow' }).diagnostics
    expect(formatDiagnostic(diag)).toBe(
      'x.flow:3:6: unknown shape "blob": expected circle, rectangle or diamond',
    )
    expect(codeFrame(source, diag)).toBe('  2 | A {\n> 3 | \tn1: blob label:"x"\n    | \t    ^^^^')
  })

  it('cut very long lines to a window around the column', () => {
    const source = `${'x'.repeat(5000)}{ oops`
    const frame = codeFrame(source, { offset: 5000, length: 1 })
    const [line, caret] = frame.split('\n')
    expect(line.length).toBeLessThan(140)
    expect(line).toContain('…')
    expect(caret.indexOf('^')).toBe(line.indexOf('{'))
  })
})
