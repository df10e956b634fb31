import { useEffect, useRef, useState } from 'react'
import { type CommandContext, commandById, formatShortcut, runCommand } from '../commands/commands'
import { navigate } from '../lib/router'
import { StatusBadge } from '../pages/workflows-page'
import { useEditor, useHistoryState } from '../store/context'
import { isDirty } from '../store/editor-store'
import { Button, IconButton } from '../ui/button'
import { Icon, type IconName } from '../ui/icons'
import { Tooltip } from '../ui/tooltip'

function Cmd({
  id,
  ctx,
  icon,
  disabled,
}: {
  id: string
  ctx: CommandContext
  icon: IconName
  disabled?: boolean
}) {
  const c = commandById.get(id)!
  return (
    <IconButton
      label={c.label.replace('…', '')}
      shortcut={c.shortcut ? formatShortcut(c.shortcut) : undefined}
      data-testid={`cmd-${id}`}
      disabled={disabled}
      onClick={() => void runCommand(id, ctx)}
    >
      <Icon name={icon} size={16} strokeWidth={1.8} />
    </IconButton>
  )
}

const Divider = () => <span className="mx-1 h-5 w-px bg-slate-200" />

export function Toolbar(props: {
  ctx: CommandContext
  readOnly: boolean
  /** Why nothing can be changed here (a viewer, an archived workflow): shown as a badge. */
  readOnlyReason: string | null
  /** The workflow's lifecycle menu (rename, duplicate, archive …). */
  actions?: React.ReactNode
  /** Opens the trigger setup (webhook URL, secret, deliveries). */
  onShowTrigger: () => void
  publishReason: string | null
  publishing: boolean
  onPublish: () => void
  onShowProblems: () => void
  /** A dry test run with the run panel's event and mocks. */
  onRun: () => void
  running: boolean
  /** Why the server last refused to publish (e.g. a failing test case, by name). */
  publishRefusal: string | null
  onDismissRefusal: () => void
  onShowTests: () => void
  /** The analytics switch (pages/analytics/), beside the trigger setup. */
  analytics?: React.ReactNode
}) {
  const { ctx, readOnly } = props
  const title = useEditor((s) => s.graph.title)
  const dirty = useEditor(isDirty)
  const version = useEditor((s) => s.baseVersion)
  const published = useEditor((s) => s.publishedVersion)
  const hasSelection = useEditor((s) => s.selection.nodes.length + s.selection.edges.length > 0)
  const errors = useEditor((s) => s.issues.filter((i) => i.severity === 'error').length)
  const warnings = useEditor((s) => s.issues.filter((i) => i.severity === 'warning').length)
  const { canUndo, canRedo } = useHistoryState()

  return (
    <>
      <div
        className="flex h-12 shrink-0 items-center gap-1 border-b border-slate-200 bg-white px-3"
        role="toolbar"
        aria-label="Editor"
      >
        <button
          type="button"
          onClick={() => navigate('/workflows')}
          // Below 1400px the rail's Workflows item is the way back: the toolbar keeps one line.
          className="hidden shrink-0 rounded-md px-1.5 py-1 text-[13px] text-slate-500 hover:bg-slate-100 hover:text-slate-800 min-[1400px]:inline"
        >
          Workflows
        </button>
        <span className="hidden text-slate-300 min-[1400px]:inline">/</span>
        <h1
          className="max-w-[240px] min-w-[96px] truncate px-1.5 text-[14px] font-semibold text-slate-900"
          data-testid="workflow-title"
          title={title}
        >
          {title || 'Untitled workflow'}
        </h1>
        <StatusBadge status={published ? 'published' : 'draft'} version={published} />
        {props.readOnlyReason && (
          <span
            data-testid="read-only-badge"
            title={props.readOnlyReason}
            className="ml-1.5 inline-flex shrink-0 items-center rounded-full bg-amber-50 px-2 py-px text-[11.5px] font-medium whitespace-nowrap text-amber-800 ring-1 ring-amber-200"
          >
            Read-only
          </span>
        )}
        <span
          className="ml-1.5 text-[12px] whitespace-nowrap text-slate-400"
          data-testid="save-state"
          data-dirty={dirty}
        >
          v{version}
          {dirty ? (
            <span className="ml-1.5 font-medium text-amber-600">● Unsaved changes</span>
          ) : (
            <span className="ml-1.5">· Saved</span>
          )}
        </span>
        {props.actions && <span className="ml-0.5">{props.actions}</span>}

        <div className="mx-auto flex items-center">
          {!readOnly && (
            <>
              <Cmd id="undo" icon="undo" ctx={ctx} disabled={!canUndo} />
              <Cmd id="redo" icon="redo" ctx={ctx} disabled={!canRedo} />
              <Divider />
              <Cmd id="copy" icon="copy" ctx={ctx} disabled={!hasSelection} />
              <Cmd id="paste" icon="paste" ctx={ctx} />
              <Cmd id="delete" icon="trash" ctx={ctx} disabled={!hasSelection} />
              <Divider />
              <Cmd id="layout" icon="layout" ctx={ctx} />
            </>
          )}
          <Cmd id="fit-view" icon="fit" ctx={ctx} />
          <Cmd id="help" icon="keyboard" ctx={ctx} />
        </div>

        <button
          type="button"
          onClick={props.onShowProblems}
          data-testid="problems-toggle"
          className="mr-1 flex shrink-0 items-center gap-2 rounded-md px-2 py-1 text-[12.5px] whitespace-nowrap text-slate-600 hover:bg-slate-100"
          title="Show problems"
        >
          <span className="flex items-center gap-1">
            <span className={`h-2 w-2 rounded-full ${errors ? 'bg-red-500' : 'bg-slate-300'}`} />
            {errors} error{errors === 1 ? '' : 's'}
          </span>
          {/* No warnings: nothing to say, and the toolbar stays on one line at 1280px. */}
          {warnings > 0 && (
            <span className="flex items-center gap-1">
              <span className="h-2 w-2 rounded-full bg-amber-400" />
              {warnings} warning{warnings === 1 ? '' : 's'}
            </span>
          )}
        </button>
        {props.analytics}
        <Button
          variant="ghost"
          onClick={props.onShowTrigger}
          data-testid="toolbar-trigger"
          title="Trigger: webhook URL, signing secret, test event and recent deliveries"
          aria-label="Trigger setup"
          className="mr-0.5"
        >
          <Icon name="zap" size={13} />
          <span className="hidden min-[1400px]:inline">Trigger</span>
        </Button>
        <ExportMenu ctx={ctx} />
        {!readOnly && (
          <>
            <Button
              data-testid="toolbar-run"
              variant="ghost"
              onClick={props.onRun}
              disabled={props.running}
              title="Test-run with the Run panel's event — a dry run, nothing is sent"
              className="mr-1 text-emerald-700 hover:bg-emerald-50 hover:text-emerald-800"
            >
              <Icon name="play" size={13} />
              Run
            </Button>
            <Button
              data-testid="save-button"
              onClick={() => void runCommand('save', ctx)}
              title={`Save (${formatShortcut('Mod+S')})`}
              variant={dirty ? 'primary' : 'secondary'}
            >
              Save
            </Button>
            {/* aria-disabled, not disabled: a disabled button takes no focus, and its reason must show on focus too. */}
            <Tooltip
              id="publish-reason"
              testId="publish-reason"
              text={props.publishReason ?? `Publish version ${version}: real events will run it`}
            >
              <Button
                data-testid="publish-button"
                variant="secondary"
                aria-disabled={props.publishReason !== null || props.publishing}
                aria-describedby="publish-reason"
                onClick={() => {
                  if (props.publishReason === null && !props.publishing) props.onPublish()
                }}
                className="ml-1.5 aria-disabled:cursor-not-allowed aria-disabled:opacity-60"
              >
                {published === version && !dirty
                  ? '✓ Published'
                  : props.publishing
                    ? 'Publishing…'
                    : 'Publish'}
              </Button>
            </Tooltip>
          </>
        )}
      </div>
      {props.publishRefusal && (
        <div
          role="alert"
          data-testid="publish-refusal"
          className="flex shrink-0 items-center gap-3 border-b border-red-200 bg-red-50 px-4 py-1.5 text-[12.5px] text-red-800"
        >
          <span className="font-semibold whitespace-nowrap">Publishing refused</span>
          <span className="min-w-0 flex-1 truncate" title={props.publishRefusal}>
            {props.publishRefusal}
          </span>
          {/^Test case/.test(props.publishRefusal) && (
            <Button size="sm" onClick={props.onShowTests} data-testid="publish-refusal-show-tests">
              Show test cases
            </Button>
          )}
          <button
            type="button"
            aria-label="Dismiss"
            onClick={props.onDismissRefusal}
            className="rounded px-1 text-[15px] leading-none text-red-400 hover:bg-red-100 hover:text-red-700"
          >
            ×
          </button>
        </div>
      )}
    </>
  )
}

function ExportMenu({ ctx }: { ctx: CommandContext }) {
  const [open, setOpen] = useState(false)
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false)
    }
    window.addEventListener('mousedown', close)
    return () => window.removeEventListener('mousedown', close)
  }, [open])
  return (
    <div className="relative mr-1.5" ref={ref}>
      <Button
        variant="ghost"
        data-testid="export-menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        Export ▾
      </Button>
      {open && (
        <div
          role="menu"
          className="absolute right-0 z-20 mt-1 w-44 rounded-lg border border-slate-200 bg-white py-1 shadow-lg"
        >
          {(['flow', 'json'] as const).map((kind) => (
            <button
              key={kind}
              type="button"
              role="menuitem"
              data-testid={`export-${kind}`}
              onClick={() => {
                setOpen(false)
                ctx.exportAs(kind)
              }}
              className="block w-full px-3 py-1.5 text-left text-[13px] text-slate-700 hover:bg-slate-50"
            >
              {kind === 'flow' ? 'Notation (.flow)' : 'JSON model (.json)'}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
