import { useState } from 'react'
import type { NodeSpec, WorkflowNode } from '../lib/engine'
import { useEditor } from '../store/context'
import { ConfigForm } from './config-form'
import { builderCanRead, DecisionBuilder } from './decision-builder'

/** A decision's branches: the condition builder, or its JSONata subject ("advanced"). */
export function DecisionSettings(props: {
  node: WorkflowNode
  spec: NodeSpec
  readOnly: boolean
  errors: Map<string, string>
  onChange: (config: Record<string, unknown>) => void
}) {
  const edges = useEditor((s) => s.graph.edges)
  const readable = builderCanRead(props.node, edges)
  const [advanced, setAdvanced] = useState(!readable)
  const showAdvanced = advanced || !readable
  const tab = (active: boolean) =>
    `rounded px-2 py-0.5 text-[12px] font-medium ${active ? 'bg-white text-slate-800 shadow-xs' : 'text-slate-500 hover:text-slate-700'}`
  return (
    <>
      <div className="mb-2.5 flex items-center gap-1 rounded-md bg-slate-100 p-0.5">
        <button
          type="button"
          className={tab(!showAdvanced)}
          disabled={!readable}
          aria-pressed={!showAdvanced}
          data-testid="decision-mode-builder"
          title={readable ? undefined : 'This decision uses JSONata the builder cannot show'}
          onClick={() => setAdvanced(false)}
        >
          Conditions
        </button>
        <button
          type="button"
          className={tab(showAdvanced)}
          aria-pressed={showAdvanced}
          data-testid="decision-mode-advanced"
          onClick={() => setAdvanced(true)}
        >
          Advanced (JSONata)
        </button>
      </div>
      {showAdvanced ? (
        <>
          <ConfigForm
            key={props.node.id}
            spec={props.spec}
            config={props.node.config}
            disabled={props.readOnly}
            errors={props.errors}
            onChange={props.onChange}
          />
          <p className="mb-3 text-[11.5px] leading-snug text-slate-500">
            Each outgoing connection's label is a condition on this value; select a connection to edit it.
          </p>
        </>
      ) : (
        <DecisionBuilder node={props.node} readOnly={props.readOnly} />
      )}
    </>
  )
}
