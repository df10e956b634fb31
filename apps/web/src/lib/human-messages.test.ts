import { describe, expect, it } from 'vitest'
import { humanMessage } from './human-messages'

const graph = {
  nodes: [
    { id: 'n4', group: null, shape: 'diamond' as const, label: 'Opened?', type: 'decision' },
    { id: 'n5', group: null, shape: 'rectangle' as const, label: 'Tag user', type: 'braze-update-profile' },
  ],
  edges: [
    {
      id: 'n4->n5',
      source: 'n4',
      sourceHandle: 'right' as const,
      target: 'n5',
      targetHandle: 'left' as const,
    },
  ],
}

describe('human messages', () => {
  it('names steps by label and settings by title, never ids or config paths', () => {
    const cases: [string, string, string][] = [
      [
        'config-invalid',
        'n5 (braze-update-profile): config.externalUserId: Invalid input',
        '“Tag user” (Braze: update user profile): “External User ID”: Invalid input',
      ],
      [
        'connection-missing',
        'n5: choose a Braze connection (config.connectionId); live runs cannot send without one',
        '“Tag user”: choose a Braze connection (“Connection”); live runs cannot send without one',
      ],
      [
        'expression-invalid',
        'n5: attributes.plan does not compile: Unexpected end',
        '“Tag user”: “Attributes › plan” does not compile: Unexpected end',
      ],
      [
        'decision-missing-subject',
        'decision n4 ("Opened?") has no subject: set config.subject to the JSONata expression',
        'Decision “Opened?” has no subject: set “Subject” to the JSONata expression',
      ],
      [
        'decision-unlabelled-branch',
        'edge n4->n5 leaves decision n4 without a label',
        'The connection “Opened?” → “Tag user” leaves “Opened?” without a label',
      ],
    ]
    for (const [code, message, human] of cases) expect(humanMessage({ code, message }, graph)).toBe(human)
  })
})
