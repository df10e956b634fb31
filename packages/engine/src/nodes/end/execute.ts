import type { NodeExecutor } from '../types'
import type { EndConfig } from './spec'

export const endExecutor: NodeExecutor<EndConfig, null> = {
  prepare: () => null,
  execute: () => ({ output: null }),
}
