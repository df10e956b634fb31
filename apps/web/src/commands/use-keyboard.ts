import { useEffect, useRef } from 'react'
import { type CommandContext, comboOf, commandForCombo, copyText, pasteText, runCommand } from './commands'
import { deleteSelection } from './graph-ops'

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el?.tagName) return false
  if (el.isContentEditable || el.closest?.('.cm-editor')) return true
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT'
}

const modalOpen = () => document.querySelector('[aria-modal="true"]') !== null

/**
 * Keyboard shortcuts from the command table, and the system clipboard: copy/cut put the
 * selection's notation on it, paste inserts notation from it (so pieces travel between
 * workflows and text editors).
 */
export function useKeyboard(ctx: CommandContext) {
  const ref = useRef(ctx)
  ref.current = ctx
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return
      const command = commandForCombo(comboOf(e))
      if (!command) return
      if (modalOpen()) return
      if (!command.global && isTyping(e.target)) return
      e.preventDefault()
      void runCommand(command.id, ref.current)
    }
    const onCopy = (e: ClipboardEvent, cut: boolean) => {
      if (isTyping(e.target) || modalOpen()) return
      const c = ref.current
      const s = c.store.getState()
      const text = copyText(s)
      if (!text || !e.clipboardData) return
      e.clipboardData.setData('text/plain', text)
      e.preventDefault()
      void c.clipboard.write(text)
      if (cut && !c.readOnly) s.commit(deleteSelection(s.graph, s.selection), { nodes: [], edges: [] })
    }
    const onPaste = (e: ClipboardEvent) => {
      if (isTyping(e.target) || modalOpen()) return
      const c = ref.current
      if (c.readOnly) return
      const text = e.clipboardData?.getData('text/plain')
      if (!text) return
      e.preventDefault()
      const s = c.store.getState()
      const result = pasteText(s, text, c.viewportCentre())
      if ('error' in result) c.notify(`Paste: ${result.error}`)
      else if (result.graph) s.commit(result.graph, result.selection)
    }
    const copy = (e: ClipboardEvent) => onCopy(e, false)
    const cut = (e: ClipboardEvent) => onCopy(e, true)
    window.addEventListener('keydown', onKey)
    document.addEventListener('copy', copy)
    document.addEventListener('cut', cut)
    document.addEventListener('paste', onPaste)
    return () => {
      window.removeEventListener('keydown', onKey)
      document.removeEventListener('copy', copy)
      document.removeEventListener('cut', cut)
      document.removeEventListener('paste', onPaste)
    }
  }, [])
}
