import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import type { EditorStore } from './editor-store'
import type { EditorState } from './types'

const EditorStoreContext = createContext<EditorStore | null>(null)

export const EditorStoreProvider = EditorStoreContext.Provider

export function useEditorStoreApi(): EditorStore {
  const store = useContext(EditorStoreContext)
  if (!store) throw new Error('useEditorStore must be used inside an editor page')
  return store
}

/** Reads the editor store through a selector; keep selectors narrow (`s => s.issuesByNode[id]`). */
export function useEditor<T>(selector: (s: EditorState) => T): T {
  return useStore(useEditorStoreApi(), selector)
}

/** Undo/redo availability, for toolbar buttons. */
export function useHistoryState() {
  const store = useEditorStoreApi()
  const canUndo = useStore(store.temporal, (t) => t.pastStates.length > 0)
  const canRedo = useStore(store.temporal, (t) => t.futureStates.length > 0)
  return { canUndo, canRedo }
}
