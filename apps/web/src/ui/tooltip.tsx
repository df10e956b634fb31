import type { ReactNode } from 'react'

/**
 * A tooltip people can see: shown while the wrapped control is hovered or has keyboard focus
 * (a `title` shows on hover only, after a delay, and never on focus). `id` lets the control
 * name it with aria-describedby, so screen readers hear the same words.
 */
export function Tooltip(props: {
  id: string
  text: string | null
  children: ReactNode
  align?: 'left' | 'right'
  testId?: string
}) {
  return (
    <span className="group/tip relative inline-flex">
      {props.children}
      {props.text && (
        <span
          id={props.id}
          role="tooltip"
          data-testid={props.testId}
          className={`pointer-events-none absolute top-full z-40 mt-1.5 hidden w-max max-w-[260px] rounded-md bg-slate-900 px-2.5 py-1.5 text-[12px] leading-snug font-normal whitespace-normal text-white shadow-lg group-hover/tip:block group-focus-within/tip:block ${
            props.align === 'left' ? 'left-0' : 'right-0'
          }`}
        >
          {props.text}
        </span>
      )}
    </span>
  )
}
