import { useQuery } from '@tanstack/react-query'
import { useTRPCClient } from '../../api/trpc'

/** What a significance step computes (DESIGN §4 node library). */
export interface SignificanceOutput {
  rateA: number
  rateB: number
  lift: number
  z: number
  pValue: number
  significant: boolean
  winner: 'a' | 'b' | null
}

const RECENT = 10

/**
 * The latest evaluation of a significance step: its output in the newest of the last few
 * production runs that ran it. A handful of indexed reads of single runs, never a scan.
 */
export function useLatestSignificance(workflowId: string, nodeId: string, enabled: boolean) {
  const client = useTRPCClient()
  return useQuery({
    queryKey: ['analytics', 'significance', workflowId, nodeId],
    enabled,
    refetchInterval: enabled ? 30_000 : false,
    queryFn: async () => {
      const runs = await client.runs.list.query({ workflowId, kind: 'production', limit: RECENT })
      for (const run of runs) {
        const { events } = await client.runs.get.query({ runId: run.id })
        const done = events.findLast((e) => e.type === 'node.finished' && e.nodeId === nodeId)
        if (done?.type === 'node.finished')
          return { runId: run.id, at: done.at, output: done.output as SignificanceOutput }
      }
      return null
    },
  })
}

/**
 * 95 % interval of the lift from the step's own z-test: its standard error is
 * (rateB − rateA) / z, so the difference's interval is diff ± 1.96·se, over rateA.
 */
export function liftInterval(o: SignificanceOutput): [number, number] | null {
  if (!o.z || !o.rateA) return null
  const diff = o.rateB - o.rateA
  const se = Math.abs(diff / o.z)
  return [(diff - 1.96 * se) / o.rateA, (diff + 1.96 * se) / o.rateA]
}
