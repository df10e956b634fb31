import { StreamLanguage } from '@codemirror/language'

/** Just enough highlighting for the `.flow` notation: shapes, strings, arrows, group titles. */
export const notationLanguage = StreamLanguage.define<{ afterBrace: boolean }>({
  name: 'flowline',
  startState: () => ({ afterBrace: false }),
  token(stream, state) {
    if (stream.sol()) state.afterBrace = false
    if (stream.eatSpace()) return null
    if (state.afterBrace && stream.peek() === '#') {
      stream.skipToEnd()
      return 'comment'
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return 'string'
    if (stream.match(/^`(?:[^`\\]|\\.)*`?/)) return 'string'
    if (stream.match('->')) return 'operator'
    if (stream.match('{')) {
      state.afterBrace = true
      return 'bracket'
    }
    if (stream.match(/^[}[\]()]/)) return 'bracket'
    if (stream.match(/^(circle|rectangle|diamond)\b/)) return 'keyword'
    if (stream.match(/^(top|right|bottom|left)\b/)) return 'atom'
    if (stream.match(/^handle\b/)) return 'builtin'
    if (stream.match(/^-?\d+(\.\d+)?/)) return 'number'
    if (stream.match(/^[A-Za-z_][\w-]*(?=\s*[:=])/)) return 'property'
    if (stream.match(/^[A-Za-z_][\w-]*/)) return 'variableName'
    stream.next()
    return null
  },
})
