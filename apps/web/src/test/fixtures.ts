import type { Workflow } from '../lib/engine'

/** A small model shaped like the seed: two groups, a decision with labelled branches, an ungrouped end. */
export function sampleWorkflow(): Workflow {
  return {
    title: 'Sample',
    description: 'Two groups and a decision',
    groups: [
      { id: 'Intake', title: 'Intake' },
      { id: 'Delivery', title: 'Delivery step' },
    ],
    nodes: [
      { id: 'n1', group: 'Intake', shape: 'circle', label: 'Start', position: { x: 0, y: 0 } },
      { id: 'n2', group: 'Intake', shape: 'diamond', label: 'Event type?', position: { x: 200, y: 0 } },
      {
        id: 'n3',
        group: 'Delivery',
        shape: 'rectangle',
        label: 'Send',
        type: 'transform',
        config: { vars: { a: 'event.userId' } },
        position: { x: 0, y: 400 },
      },
      { id: 'n4', group: null, shape: 'circle', label: 'End', position: { x: 600, y: 400 } },
    ],
    edges: [
      { id: 'n1->n2', source: 'n1', sourceHandle: 'right', target: 'n2', targetHandle: 'left' },
      {
        id: 'n2->n3',
        source: 'n2',
        sourceHandle: 'bottom',
        target: 'n3',
        targetHandle: 'top',
        label: 'page',
      },
      {
        id: 'n2->n4',
        source: 'n2',
        sourceHandle: 'right',
        target: 'n4',
        targetHandle: 'left',
        label: 'else',
      },
      { id: 'n3->n4', source: 'n3', sourceHandle: 'right', target: 'n4', targetHandle: 'left' },
    ],
  }
}
