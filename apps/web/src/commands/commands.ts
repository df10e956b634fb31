import { containsPoint, groupRects, nodeSize, type XY } from '../canvas/adapters'
import { format, parse, type Workflow } from '../lib/engine'
import type { EditorStore } from '../store/editor-store'
import type { EditorState, Selection } from '../store/types'
import { deleteSelection, extractSubgraph, groupSelection, pasteSubgraph, selectAll } from './graph-ops'

/** What a command may change: the graph (one undo step) and/or the selection. */
export interface Patch {
  graph?: Workflow
  selection?: Selection
}

/** Things outside the store a command can reach (the canvas, dialogs, the clipboard). */
export interface CommandContext {
  store: EditorStore
  readOnly: boolean
  fitView: () => void
  /** The centre of the visible canvas in flow coordinates. */
  viewportCentre: () => XY
  layout: () => Promise<void>
  openSave: () => void
  toggleHelp: () => void
  exportAs: (kind: 'flow' | 'json') => void
  clipboard: { write: (text: string) => Promise<void> | void; read: () => Promise<string | null> }
  notify: (message: string) => void
}

export interface Command {
  id: string
  label: string
  group: 'File' | 'Edit' | 'View'
  /** Shown in menus and the help overlay; `Mod` is Ctrl (⌘ on macOS). */
  shortcut?: string
  /** Key combos that run it (lower-case, `mod+shift+z`). */
  keys?: string[]
  /** Runs even while typing in a text field (e.g. save). */
  global?: boolean
  /** Allowed on a read-only canvas. */
  readOnlySafe?: boolean
  enabled?: (s: EditorState) => boolean
  perform: (s: EditorState, ctx: CommandContext) => Patch | undefined | Promise<Patch | undefined>
}

/** A command that only has an effect outside the graph (dialogs, view, clipboard). */
const effect =
  (fn: (s: EditorState, ctx: CommandContext) => unknown) =>
  (s: EditorState, ctx: CommandContext): undefined => {
    fn(s, ctx)
    return undefined
  }

const hasSelection = (s: EditorState) => s.selection.nodes.length > 0 || s.selection.edges.length > 0

/** Notation text for the selection: what copy puts on the clipboard. */
export function copyText(s: Pick<EditorState, 'graph' | 'selection'>): string | null {
  if (s.selection.nodes.length === 0) return null
  const sub = extractSubgraph(s.graph, s.selection)
  return sub.nodes.length > 0 || sub.groups.length > 0 ? format(sub) : null
}

/** Inserts clipboard notation (from this or another workflow, or typed by hand). */
export function pasteText(s: Pick<EditorState, 'graph'>, text: string, at: XY): Patch | { error: string } {
  const parsed = parse(text)
  if (!parsed.workflow)
    return { error: parsed.diagnostics[0]?.message ?? 'The clipboard holds no workflow notation' }
  if (parsed.workflow.nodes.length === 0 && parsed.workflow.groups.length === 0)
    return { error: 'Nothing to paste' }
  return pasteSubgraph(s.graph, parsed.workflow, {
    offset: pasteOffset(parsed.workflow, at),
    at,
    groupAt: groupFinder(s.graph),
  })
}

/** How far from the view's centre a copy still counts as "in view" (flow units, about a screen). */
const NEAR_VIEW = { x: 500, y: 300 }

/**
 * Where a pasted clip goes: just beside the original when that is in view (copy, paste next to
 * it), else centred in the view — a clip from another workflow or a far corner never lands
 * off-screen at its old coordinates.
 */
export function pasteOffset(clip: Workflow, viewCentre: XY): XY {
  const placed = clip.nodes.filter((n) => n.position)
  if (placed.length === 0) return { x: 40, y: 40 }
  const xs = placed.flatMap((n) => [n.position!.x, n.position!.x + nodeSize(n).width])
  const ys = placed.flatMap((n) => [n.position!.y, n.position!.y + nodeSize(n).height])
  const centre = { x: (Math.min(...xs) + Math.max(...xs)) / 2, y: (Math.min(...ys) + Math.max(...ys)) / 2 }
  const near =
    Math.abs(centre.x - viewCentre.x) <= NEAR_VIEW.x && Math.abs(centre.y - viewCentre.y) <= NEAR_VIEW.y
  if (near) return { x: 40, y: 40 }
  return { x: Math.round(viewCentre.x - centre.x), y: Math.round(viewCentre.y - centre.y) }
}

/** Which group's box holds a point (boxes as drawn on the canvas). */
export function groupFinder(graph: Workflow): (p: XY) => string | null {
  const rects = [...groupRects(graph)]
  return (p) => rects.find(([, r]) => containsPoint(r, p))?.[0] ?? null
}

export const commands: Command[] = [
  {
    id: 'save',
    label: 'Save…',
    group: 'File',
    shortcut: 'Mod+S',
    keys: ['mod+s'],
    global: true,
    perform: effect((_s, ctx) => ctx.openSave()),
  },
  {
    id: 'export-flow',
    label: 'Export as .flow',
    group: 'File',
    readOnlySafe: true,
    perform: effect((_s, ctx) => ctx.exportAs('flow')),
  },
  {
    id: 'export-json',
    label: 'Export as JSON',
    group: 'File',
    readOnlySafe: true,
    perform: effect((_s, ctx) => ctx.exportAs('json')),
  },
  {
    id: 'undo',
    label: 'Undo',
    group: 'Edit',
    shortcut: 'Mod+Z',
    keys: ['mod+z'],
    perform: effect((_s, ctx) => ctx.store.getState().undo()),
  },
  {
    id: 'redo',
    label: 'Redo',
    group: 'Edit',
    shortcut: 'Mod+Shift+Z',
    keys: ['mod+shift+z', 'mod+y'],
    perform: effect((_s, ctx) => ctx.store.getState().redo()),
  },
  {
    id: 'select-all',
    label: 'Select all',
    group: 'Edit',
    shortcut: 'Mod+A',
    keys: ['mod+a'],
    readOnlySafe: true,
    perform: (s) => ({ selection: selectAll(s.graph) }),
  },
  {
    id: 'delete',
    label: 'Delete selection',
    group: 'Edit',
    shortcut: 'Delete',
    keys: ['delete', 'backspace'],
    enabled: hasSelection,
    perform: (s) => ({ graph: deleteSelection(s.graph, s.selection), selection: { nodes: [], edges: [] } }),
  },
  {
    id: 'copy',
    label: 'Copy',
    group: 'Edit',
    shortcut: 'Mod+C',
    readOnlySafe: true,
    enabled: (s) => s.selection.nodes.length > 0,
    perform: async (s, ctx) => {
      const text = copyText(s)
      if (text) await ctx.clipboard.write(text)
      return undefined
    },
  },
  {
    id: 'cut',
    label: 'Cut',
    group: 'Edit',
    shortcut: 'Mod+X',
    enabled: (s) => s.selection.nodes.length > 0,
    perform: async (s, ctx) => {
      const text = copyText(s)
      if (!text) return undefined
      await ctx.clipboard.write(text)
      return { graph: deleteSelection(s.graph, s.selection), selection: { nodes: [], edges: [] } }
    },
  },
  {
    id: 'paste',
    label: 'Paste',
    group: 'Edit',
    shortcut: 'Mod+V',
    perform: async (s, ctx) => {
      const text = await ctx.clipboard.read()
      if (!text) return undefined
      const result = pasteText(s, text, ctx.viewportCentre())
      if ('error' in result) {
        ctx.notify(`Paste: ${result.error}`)
        return undefined
      }
      return result
    },
  },
  {
    id: 'duplicate',
    label: 'Duplicate',
    group: 'Edit',
    shortcut: 'Mod+D',
    keys: ['mod+d'],
    enabled: (s) => s.selection.nodes.length > 0,
    perform: (s) =>
      pasteSubgraph(s.graph, extractSubgraph(s.graph, s.selection), { groupAt: groupFinder(s.graph) }),
  },
  {
    id: 'group',
    label: 'Group selection',
    group: 'Edit',
    shortcut: 'Mod+G',
    keys: ['mod+g'],
    enabled: (s) => s.selection.nodes.length > 0,
    perform: (s) => groupSelection(s.graph, s.selection) ?? undefined,
  },
  {
    id: 'rename',
    label: 'Rename selected',
    group: 'Edit',
    shortcut: 'F2',
    keys: ['f2'],
    enabled: (s) => s.selection.nodes.length + s.selection.edges.length === 1,
    perform: (s, ctx) => {
      const [node] = s.selection.nodes
      const [edge] = s.selection.edges
      const isGroup = node && s.graph.groups.some((g) => g.id === node)
      ctx.store
        .getState()
        .setEditing(node ? { kind: isGroup ? 'group' : 'node', id: node } : { kind: 'edge', id: edge })
      return undefined
    },
  },
  {
    id: 'layout',
    label: 'Auto-layout',
    group: 'View',
    shortcut: 'Shift+L',
    keys: ['shift+l'],
    perform: async (_s, ctx) => {
      await ctx.layout()
      return undefined
    },
  },
  {
    id: 'fit-view',
    label: 'Fit view',
    group: 'View',
    shortcut: 'Shift+1',
    keys: ['shift+1', 'shift+!'],
    readOnlySafe: true,
    perform: effect((_s, ctx) => ctx.fitView()),
  },
  {
    id: 'help',
    label: 'Keyboard shortcuts',
    group: 'View',
    shortcut: '?',
    keys: ['shift+?', '?'],
    readOnlySafe: true,
    perform: effect((_s, ctx) => ctx.toggleHelp()),
  },
]

export const commandById = new Map(commands.map((c) => [c.id, c]))

/** Runs a command and applies its patch to the store. */
export async function runCommand(id: string, ctx: CommandContext): Promise<void> {
  const command = commandById.get(id)
  if (!command) return
  if (ctx.readOnly && !command.readOnlySafe) return
  const state = ctx.store.getState()
  if (command.enabled && !command.enabled(state)) return
  const patch = await command.perform(state, ctx)
  if (!patch) return
  const s = ctx.store.getState()
  if (patch.graph && patch.graph !== s.graph) s.commit(patch.graph, patch.selection)
  else if (patch.selection) s.select(patch.selection)
}

/** `mod+shift+z` style key of a keyboard event. */
export function comboOf(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
): string {
  const parts: string[] = []
  if (e.ctrlKey || e.metaKey) parts.push('mod')
  if (e.altKey) parts.push('alt')
  if (e.shiftKey) parts.push('shift')
  parts.push(e.key.toLowerCase())
  return parts.join('+')
}

export function commandForCombo(combo: string): Command | undefined {
  return commands.find((c) => c.keys?.includes(combo))
}

export function formatShortcut(shortcut: string): string {
  const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
  return mac ? shortcut.replace(/Mod\+/g, '⌘').replace(/Shift\+/g, '⇧') : shortcut.replace(/Mod\+/g, 'Ctrl+')
}
