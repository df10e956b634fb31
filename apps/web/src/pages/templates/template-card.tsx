import { type ReactNode, useId } from 'react'
import type { Connection, ConnectionType } from '../../api/connections'
import type { RouterOutputs } from '../../api/trpc'
import { connectionKinds, type Workflow } from '../../lib/engine'
import { Icon } from '../../ui/icons'
import { TemplatePreview } from './template-preview'

export type TemplateInfo = RouterOutputs['workflows']['templates'][number]

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/**
 * One choice of the gallery: a button that selects it (preview, title, purpose), and below
 * it the connection kinds the template sends through, each present or offered for creation.
 */
export function TemplateCard(props: {
  template: TemplateInfo
  model?: Workflow
  connections?: Connection[]
  selected: boolean
  onSelect: () => void
  onCreateConnection: (type: ConnectionType) => void
}) {
  const { template: t, model } = props
  return (
    <Card
      testId={`gallery-template-${t.id}`}
      selected={props.selected}
      onSelect={props.onSelect}
      preview={<TemplatePreview id={t.id} model={model} />}
      title={t.title}
      description={t.description}
      meta={
        model
          ? `${plural(model.nodes.length, 'step')} · ${plural(model.tests?.length ?? 0, 'test case')}`
          : ' '
      }
    >
      <ul className="flex flex-wrap items-center gap-1" aria-label="Connections it needs">
        <li className="mr-0.5 text-[11px] text-slate-400" aria-hidden>
          Needs
        </li>
        {t.connections.map((type) => (
          <ConnectionNeed
            key={type}
            type={type}
            present={props.connections?.some((c) => c.type === type)}
            onCreate={() => props.onCreateConnection(type)}
          />
        ))}
      </ul>
    </Card>
  )
}

/** "Blank workflow": the gallery's first choice, selected until a template is chosen. */
export function BlankCard(props: { selected: boolean; onSelect: () => void }) {
  return (
    <Card
      testId="gallery-blank"
      selected={props.selected}
      onSelect={props.onSelect}
      preview={
        <div className="flex h-[80px] items-center justify-center rounded-lg border border-dashed border-slate-300 bg-slate-50 text-slate-400">
          <Icon name="plus" size={22} />
        </div>
      }
      title="Blank workflow"
      description="An empty canvas: drag steps from the palette and connect them."
      meta="No connections needed"
    />
  )
}

function Card(props: {
  testId: string
  selected: boolean
  onSelect: () => void
  preview: ReactNode
  title: string
  description: string
  meta: string
  children?: ReactNode
}) {
  // Named by its title alone: the purpose is its description (and "Cancel" stays unambiguous).
  const id = useId()
  return (
    <li
      data-testid={props.testId}
      data-selected={props.selected}
      className={`flex flex-col rounded-xl border transition ${
        props.selected
          ? 'border-indigo-500 bg-indigo-50/40 ring-2 ring-indigo-200'
          : 'border-slate-200 bg-white hover:border-indigo-300 hover:shadow-sm'
      }`}
    >
      <button
        type="button"
        aria-pressed={props.selected}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-description`}
        onClick={props.onSelect}
        data-testid="gallery-choose"
        className="flex flex-1 flex-col rounded-t-xl p-2 text-left outline-none focus-visible:ring-2 focus-visible:ring-indigo-400"
      >
        {props.preview}
        <span id={`${id}-title`} className="mt-1.5 block text-[13px] font-semibold text-slate-800">
          {props.title}
        </span>
        <span
          id={`${id}-description`}
          title={props.description}
          className="mt-0.5 line-clamp-3 text-[12px] leading-snug text-slate-500"
        >
          {props.description}
        </span>
        <span className="mt-1 block text-[11.5px] text-slate-400">{props.meta}</span>
      </button>
      {props.children && <div className="border-t border-slate-100 px-2 py-1.5">{props.children}</div>}
    </li>
  )
}

function ConnectionNeed(props: { type: ConnectionType; present?: boolean; onCreate: () => void }) {
  const title = connectionKinds[props.type].title
  const state = props.present === undefined ? 'unknown' : props.present ? 'present' : 'missing'
  return (
    <li data-testid={`template-needs-${props.type}`} data-state={state}>
      {state === 'missing' ? (
        <button
          type="button"
          onClick={props.onCreate}
          title={`No ${title} connection yet: create one now`}
          data-testid={`template-create-connection-${props.type}`}
          className="inline-flex items-center gap-1 rounded-full bg-amber-50 px-2 py-0.5 text-[11.5px] font-medium text-amber-800 ring-1 ring-amber-200 hover:bg-amber-100"
        >
          <Icon name="plus" size={11} strokeWidth={2.5} />
          {title}
          <span className="sr-only"> (missing: create it)</span>
        </button>
      ) : (
        <span
          className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-[11.5px] font-medium ring-1 ${
            state === 'present'
              ? 'bg-emerald-50 text-emerald-800 ring-emerald-200'
              : 'bg-slate-50 text-slate-500 ring-slate-200'
          }`}
          title={state === 'present' ? `A ${title} connection exists` : undefined}
        >
          {state === 'present' && <span aria-hidden>✓</span>}
          {title}
          {state === 'present' && <span className="sr-only"> (exists)</span>}
        </span>
      )}
    </li>
  )
}
