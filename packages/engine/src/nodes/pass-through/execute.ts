import type { NodeExecutor } from '../types'
import type { PassThroughConfig } from './spec'

export const passThroughExecutor: NodeExecutor<PassThroughConfig, null> = {
  prepare: () => null,
  execute: (_p, ctx) => ({ output: ctx.input }),
}
