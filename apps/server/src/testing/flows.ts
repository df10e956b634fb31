import type { Workflow } from '../services/engine'

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
