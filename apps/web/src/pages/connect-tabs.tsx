import { navigate } from '../lib/router'

/** The "Connect" area: credentials going out (connections), events coming in (sources). */
export function ConnectTabs({ current }: { current: 'connections' | 'sources' }) {
  const tab = (id: 'connections' | 'sources', label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={current === id}
      data-testid={`tab-${id}`}
      onClick={() => navigate(`/${id}`)}
      className={`-mb-px border-b-2 px-3 py-2 text-[13px] font-medium ${
        current === id
          ? 'border-indigo-600 text-indigo-700'
          : 'border-transparent text-slate-500 hover:text-slate-800'
      }`}
    >
      {label}
    </button>
  )
  return (
    <div role="tablist" className="mb-6 flex gap-2 border-b border-slate-200">
      {tab('connections', 'Connections · outgoing')}
      {tab('sources', 'Sources · incoming events')}
    </div>
  )
}
