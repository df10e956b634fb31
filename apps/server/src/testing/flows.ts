import type { Workflow } from '../services/engine'

type Node = Workflow['nodes'][number]

/** A step of a test model, labelled by its id. */
export const step = (
  id: string,
  type: string,
  config: unknown = {},
  shape: Node['shape'] = 'rectangle',
): Node => ({
  id,
  group: null,
  shape,
  label: id,
  type,
  config,
})

/** A left-to-right edge `source-target`, with a branch label when given. */
export const link = (source: string, target: string, label?: string): Workflow['edges'][number] => ({
  id: `${source}-${target}`,
  source,
  sourceHandle: 'right',
  target,
  targetHandle: 'left',
  ...(label ? { label } : {}),
})

/**
 * The retention offer (seed workflow 4, cut down): a cancellation request waits for the
 * user's "Offer Accepted" event; `received` keeps them, `timeout` loses them. Tests and
 * benchmarks of wait-for-event share it.
 */
export function retentionFlow(timeout = '3d'): Workflow {
  return {
    title: 'Retention offer',
    description: '',
    groups: [],
    nodes: [
      {
        id: 's',
        group: null,
        shape: 'circle',
        label: 'Cancel requested',
        type: 'start',
        config: { filter: 'event.event = "Cancel Requested"' },
      },
      {
        id: 'w',
        group: null,
        shape: 'diamond',
        label: 'Offer accepted?',
        type: 'wait-for-event',
        config: { filter: 'event = "Offer Accepted"', timeout },
      },
      { id: 'kept', group: null, shape: 'circle', label: 'Kept', type: 'end' },
      { id: 'lost', group: null, shape: 'circle', label: 'Lost', type: 'end' },
    ],
    edges: [
      { id: 's-w', source: 's', sourceHandle: 'right', target: 'w', targetHandle: 'left' },
      {
        id: 'w-kept',
        source: 'w',
        sourceHandle: 'right',
        target: 'kept',
        targetHandle: 'left',
        label: 'received',
      },
      {
        id: 'w-lost',
        source: 'w',
        sourceHandle: 'bottom',
        target: 'lost',
        targetHandle: 'left',
        label: 'timeout',
      },
    ],
  }
}
