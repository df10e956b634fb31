import { compileField, evalField, type Field } from '../shared/fields'
import { murmur3 } from '../shared/hash'
import { andThen } from '../shared/maybe'
import type { NodeExecutor } from '../types'
import type { AbSplitConfig } from './spec'

interface PreparedSplit {
  key: Field
  nodeId: string
  labels: string[]
  /** Cumulative shares in (0, 1], one per variant; the last is 1. */
  bounds: number[]
}

const UINT32 = 2 ** 32

/** Where a key falls in [0, 1): its hash salted with the node id, so two splits are independent. */
export function bucketOf(key: string, nodeId: string): number {
  return murmur3(`${nodeId}\u0000${key}`) / UINT32
}

export function variantFor(p: Pick<PreparedSplit, 'labels' | 'bounds'>, bucket: number): string {
  for (let i = 0; i < p.bounds.length; i++) if (bucket < p.bounds[i]) return p.labels[i]
  return p.labels[p.labels.length - 1]
}

function keyText(value: unknown): string {
  if (value === undefined || value === null || value === '')
    throw new Error('key: the expression gave no value to split on (no userId on this event?)')
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** Output `{variant, bucket}`; the branch is the variant's label. */
export const abSplitExecutor: NodeExecutor<AbSplitConfig, PreparedSplit> = {
  prepare: (config, node) => {
    const total = config.variants.reduce((sum, v) => sum + v.weight, 0)
    let acc = 0
    const bounds = config.variants.map((v) => {
      acc += v.weight
      return acc / total
    })
    bounds[bounds.length - 1] = 1
    return {
      key: compileField('key', config.key),
      nodeId: node.id,
      labels: config.variants.map((v) => v.label),
      bounds,
    }
  },
  execute: (p, ctx) =>
    andThen(evalField(p.key, ctx.scope), (value) => {
      const bucket = bucketOf(keyText(value), p.nodeId)
      const variant = variantFor(p, bucket)
      return { output: { variant, bucket }, branch: variant }
    }),
  branchOf: (_p, output) => {
    const variant = (output as { variant?: unknown } | null)?.variant
    return typeof variant === 'string' ? variant : undefined
  },
}
