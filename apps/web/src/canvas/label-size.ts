/**
 * The size of an edge label as the canvas draws it (edge-path.ts sets this width on the
 * element). No imports: auto-layout in the worker sizes labels the same way.
 */
export const LABEL_FONT_PX = 13
export const LABEL_HEIGHT = 20 // 16px line + 1px padding + 1px border, top and bottom
const PAD_X = 14 // 6px padding + 1px border each side

/** Advance widths (em) close to Arial/Inter, rounded up: the box must hold the text in any of them. */
function charEm(c: string): number {
  if (/[il.,:;'|!jtfr ()[\]]/.test(c)) return 0.33
  if (/[mwMW@%]/.test(c)) return 0.89
  if (/[A-Z]/.test(c)) return 0.7
  return 0.58
}

/** The label's box size, as the canvas renders it (mono for a decision's conditions). */
export function labelSize(text: string, mono: boolean): { width: number; height: number } {
  let em = 0
  for (const c of text) em += mono ? 0.61 : charEm(c)
  return { width: Math.ceil(em * LABEL_FONT_PX + PAD_X), height: LABEL_HEIGHT }
}
