import { describe, expect, it } from 'vitest'
import { evaluateText } from './evaluate'
import { hasNestedQuantifier, safePad } from './limits'

const scope = { event: { text: `${'a'.repeat(40)}!` }, steps: {}, vars: {} }

describe('expression limits', () => {
  it('recognises regular expressions with nested repetition', () => {
    for (const bad of ['(a+)+$', '(\\w+\\s?)*$', '([a-z]+)*x', '(?:a|b+){2,}', '((ab)*c)+', '(.*a){3,}']) {
      expect(hasNestedQuantifier(bad), bad).toBe(true)
    }
    for (const ok of [
      '^\\d+(\\.\\d+)?$',
      '(foo|bar)+',
      '(?:ab)+',
      '[(+]+',
      'a{2}(b)+',
      '\\(a+\\)+',
      '(a){1,1}',
      '[a-z]+@[a-z]+',
    ]) {
      expect(hasNestedQuantifier(ok), ok).toBe(false)
    }
  })

  it('refuses a catastrophic regular expression instead of hanging', async () => {
    const started = performance.now()
    await expect(evaluateText('$contains(event.text, /(a+)+$/)', scope)).rejects.toThrow(
      /repeats a group that itself repeats/,
    )
    expect(performance.now() - started).toBeLessThan(1000)
    await expect(evaluateText('$contains(event.text, /a+!$/)', scope)).resolves.toBe(true)
  })

  it('pads like JSONata within the limit', () => {
    expect(safePad('ab', 5, '-')).toBe('ab---')
    expect(safePad('ab', -5, 'xy')).toBe('xyxab')
    expect(safePad('abcdef', 3)).toBe('abcdef')
    expect(safePad(undefined, 3)).toBeUndefined()
    expect(() => safePad('', 2_000_000)).toThrow(/over the limit/)
  })
})
