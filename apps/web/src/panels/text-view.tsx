import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint'
import { Annotation, EditorState as CMState } from '@codemirror/state'
import { basicSetup, EditorView } from 'codemirror'
import { useEffect, useRef, useState } from 'react'
import { format, parse } from '../lib/engine'
import { useEditorStoreApi } from '../store/context'
import { notationLanguage } from './notation-language'
import { mergeParsed, minimalChange, sameGraph } from './text-sync'

const fromGraph = Annotation.define<boolean>()
const PARSE_DELAY = 300

/**
 * The notation beside the canvas, synced both ways: text that parses replaces the graph
 * (one undo step); text that does not shows inline diagnostics; canvas edits rewrite the
 * text unless the editor has focus with edits that do not parse yet.
 */
export function TextView({ readOnly, visible }: { readOnly: boolean; visible: boolean }) {
  const host = useRef<HTMLDivElement>(null)
  const viewRef = useRef<EditorView | null>(null)
  const visibleRef = useRef(visible)
  visibleRef.current = visible
  // Set by the effect: brings the text up to date (used when the panel becomes visible).
  const syncRef = useRef<() => void>(() => {})
  const store = useEditorStoreApi()
  const [status, setStatus] = useState<{ ok: boolean; message: string }>({
    ok: true,
    message: 'In sync with the canvas',
  })

  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined
    let unparsed = false
    // Formatting a big workflow costs tens of milliseconds: a hidden panel catches up when shown.
    let stale = !visibleRef.current
    // The graph we set from the text: its echo must not rewrite what the user is typing.
    let fromText: unknown = null

    const applyText = () => {
      pending = undefined
      const view = viewRef.current
      if (!view) return
      const text = view.state.doc.toString()
      const result = parse(text, { file: 'workflow.flow' })
      const max = view.state.doc.length
      if (!result.workflow || result.diagnostics.length > 0) {
        const diagnostics: Diagnostic[] = result.diagnostics.map((d) => {
          const from = Math.min(d.offset, max)
          return {
            from,
            to: Math.min(max, from + Math.max(1, d.length ?? 1)),
            severity: 'error',
            message: d.message,
          }
        })
        view.dispatch(setDiagnostics(view.state, diagnostics))
        const first = result.diagnostics[0]
        setStatus({
          ok: false,
          message: first ? `Line ${first.line}:${first.column}: ${first.message}` : 'The text does not parse',
        })
        return
      }
      view.dispatch(setDiagnostics(view.state, []))
      unparsed = false
      setStatus({ ok: true, message: 'In sync with the canvas' })
      const s = store.getState()
      const merged = mergeParsed(result.workflow, s.graph)
      if (sameGraph(merged, s.graph)) return
      fromText = merged
      s.commit(merged)
    }

    const view = new EditorView({
      parent: host.current!,
      state: CMState.create({
        doc: stale ? '' : format(store.getState().graph),
        extensions: [
          basicSetup,
          notationLanguage,
          lintGutter(),
          EditorView.lineWrapping,
          CMState.readOnly.of(readOnly),
          EditorView.contentAttributes.of({
            'aria-label': 'Workflow notation',
            'data-testid': 'text-editor',
          }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged || u.transactions.every((t) => t.annotation(fromGraph))) return
            unparsed = true
            clearTimeout(pending)
            pending = setTimeout(applyText, PARSE_DELAY)
          }),
        ],
      }),
    })
    viewRef.current = view

    const rewrite = () => {
      const s = store.getState()
      if (s.graph === fromText) return
      if (unparsed && view.hasFocus) return
      if (!visibleRef.current) {
        stale = true
        return
      }
      stale = false
      clearTimeout(pending)
      unparsed = false
      const change = minimalChange(view.state.doc.toString(), format(s.graph))
      if (change) view.dispatch({ changes: change, annotations: fromGraph.of(true) })
      view.dispatch(setDiagnostics(view.state, []))
      setStatus({ ok: true, message: 'In sync with the canvas' })
    }
    syncRef.current = () => {
      if (stale) rewrite()
    }
    let queued: ReturnType<typeof setTimeout> | undefined
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.graph === prev.graph) return
      // Coalesce bursts (paste, layout) into one rewrite.
      clearTimeout(queued)
      queued = setTimeout(rewrite, 60)
    })
    return () => {
      unsubscribe()
      clearTimeout(pending)
      clearTimeout(queued)
      view.destroy()
      viewRef.current = null
    }
  }, [store, readOnly])

  useEffect(() => {
    if (!visible) return
    syncRef.current()
    viewRef.current?.requestMeasure()
  }, [visible])

  return (
    <div className="flex h-full flex-col" data-testid="text-view">
      <div ref={host} className="fl-text-view min-h-0 flex-1 overflow-hidden" />
      <div
        data-testid="text-status"
        data-ok={status.ok}
        className={`shrink-0 border-t px-3 py-1.5 text-[11.5px] ${
          status.ok ? 'border-slate-100 text-slate-400' : 'border-red-100 bg-red-50 text-red-700'
        }`}
      >
        {status.ok ? '✓ ' : '⚠ '}
        {status.message}
      </div>
    </div>
  )
}
