import { useQuery } from '@tanstack/react-query'
import { errorMessage, useTRPC } from '../api/trpc'

/**
 * System (admins): where runs execute. Embedded: in the server process. Queue mode: the
 * BullMQ backlog and the workers Redis currently sees, refreshed every few seconds.
 */
export function SystemPage() {
  const trpc = useTRPC()
  const status = useQuery({ ...trpc.system.status.queryOptions(), refetchInterval: 3_000 })
  const data = status.data
  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto max-w-3xl px-8 py-8" data-testid="system-page">
        <h1 className="text-[20px] font-semibold tracking-tight text-slate-900">System</h1>
        {status.isError && <p className="mt-4 text-[13px] text-red-600">{errorMessage(status.error)}</p>}
        {data && (
          <>
            <p className="mt-1 text-[13px] text-slate-500" data-testid="system-mode">
              {data.mode === 'queue'
                ? 'Queue mode: this server accepts runs; workers take them from the queue (BullMQ on Redis).'
                : 'Embedded: runs execute in this server process.'}
            </p>
            <h2 className="mt-6 mb-2 text-[14px] font-semibold text-slate-800">Queue</h2>
            <dl className="grid grid-cols-3 gap-3 text-[13px]">
              {Object.entries(data.queue).map(([state, n]) => (
                <div key={state} className="rounded-lg border border-slate-200 bg-white px-3 py-2">
                  <dt className="text-slate-500 capitalize">{state}</dt>
                  <dd className="text-[18px] font-semibold text-slate-900" data-testid={`queue-${state}`}>
                    {n}
                  </dd>
                </div>
              ))}
            </dl>
            {data.mode === 'queue' && (
              <>
                <h2 className="mt-6 mb-2 text-[14px] font-semibold text-slate-800">
                  Workers <span data-testid="worker-count">{data.workers.length}</span>
                </h2>
                {data.workers.length === 0 ? (
                  <p className="text-[13px] text-amber-700">
                    No worker is connected: accepted runs wait in the queue.
                  </p>
                ) : (
                  <table className="w-full text-left text-[13px]">
                    <thead className="text-slate-500">
                      <tr>
                        <th className="py-1 font-medium">Connection</th>
                        <th className="py-1 font-medium">Address</th>
                        <th className="py-1 font-medium">Connected for</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.workers.map((w) => (
                        <tr
                          key={`${w.addr}-${w.name}`}
                          className="border-t border-slate-100"
                          data-testid="worker-row"
                        >
                          <td className="py-1 font-mono text-[12px]">{w.name}</td>
                          <td className="py-1">{w.addr ?? '—'}</td>
                          <td className="py-1">{w.age === undefined ? '—' : `${w.age} s`}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </>
            )}
          </>
        )}
      </div>
    </div>
  )
}
