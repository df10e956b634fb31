import { z } from 'zod'
import type { NodeSpec } from '../spec'

export const passThroughConfigSchema = z.object({})
export type PassThroughConfig = z.infer<typeof passThroughConfigSchema>

export const passThroughSpec: NodeSpec<PassThroughConfig> = {
  id: 'pass-through',
  title: 'Pass-through',
  category: 'flow',
  icon: 'M5 12h14M12 5l7 7-7 7',
  description:
    'A placeholder step that hands its input on unchanged. Rectangles without a type run as this; give them a type to do real work.',
  shape: 'rectangle',
  configSchema: passThroughConfigSchema,
  defaultConfig: {},
  sideEffect: false,
}
