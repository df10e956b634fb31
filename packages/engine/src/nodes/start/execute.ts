import type { NodeExecutor } from '../types'
import type { StartConfig } from './spec'

export const startExecutor: NodeExecutor<StartConfig, null> = {
  prepare: () => null,
  execute: (_p, ctx) => ({ output: ctx.scope.event }),
}
