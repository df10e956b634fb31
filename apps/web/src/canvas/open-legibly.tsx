import { useReactFlow, useStore } from '@xyflow/react'
import { useEffect, useRef } from 'react'
import { fitLegibly, type Padding } from './legible-fit'

/** Opens a canvas at the legible fit (legible-fit.ts) once its pane has a size. */
export function OpenLegibly({ padding, wholeFitMin }: { padding: Padding; wholeFitMin?: number }) {
  const width = useStore((s) => s.width)
  const height = useStore((s) => s.height)
  const flow = useReactFlow()
  const done = useRef(false)
  useEffect(() => {
    if (done.current || width === 0 || height === 0) return
    done.current = true
    fitLegibly(flow, { width, height }, padding, wholeFitMin)
  }, [width, height, flow, padding, wholeFitMin])
  return null
}
