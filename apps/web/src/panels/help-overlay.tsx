import { commands, formatShortcut } from '../commands/commands'
import { Modal } from '../ui/modal'

/** Mouse gestures; `edit` ones are left out for people who can only look (viewers, archived workflows). */
const GESTURES: [string, string, 'edit' | 'view'][] = [
  ['Drag from the palette', 'Add a step', 'edit'],
  ['Drag from a handle to a handle', 'Connect (any side, either direction)', 'edit'],
  ['Double-click a label', 'Rename a node, edge or group', 'edit'],
  ['Drag the canvas', 'Move around; scroll or pinch to zoom', 'view'],
  ['Shift + drag on the canvas', 'Select an area', 'view'],
  ['Ctrl/⌘ + click', 'Add to the selection', 'view'],
  ['Drag a node into a group', 'Move it into the group (out, to take it out)', 'edit'],
]

export function HelpOverlay({ onClose, readOnly = false }: { onClose: () => void; readOnly?: boolean }) {
  const groups = readOnly ? (['View'] as const) : (['File', 'Edit', 'View'] as const)
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="help-overlay" width="max-w-2xl">
      <div className="grid grid-cols-2 gap-x-8">
        <div>
          {groups.map((g) => (
            <section key={g} className="mb-4">
              <h3 className="mb-1.5 text-[11.5px] font-semibold tracking-wide text-slate-500 uppercase">
                {g}
              </h3>
              <dl>
                {commands
                  .filter((c) => c.group === g && c.shortcut)
                  .map((c) => (
                    <div key={c.id} className="flex items-center justify-between py-1">
                      <dt className="text-slate-700">{c.label.replace('…', '')}</dt>
                      <dd>
                        <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-px font-mono text-[11.5px] text-slate-600">
                          {formatShortcut(c.shortcut!)}
                        </kbd>
                      </dd>
                    </div>
                  ))}
              </dl>
            </section>
          ))}
        </div>
        <section>
          <h3 className="mb-1.5 text-[11.5px] font-semibold tracking-wide text-slate-500 uppercase">Mouse</h3>
          <dl>
            {GESTURES.filter(([, , kind]) => !readOnly || kind === 'view').map(([gesture, effect]) => (
              <div key={gesture} className="py-1">
                <dt className="font-medium text-slate-700">{gesture}</dt>
                <dd className="text-slate-500">{effect}</dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
    </Modal>
  )
}
