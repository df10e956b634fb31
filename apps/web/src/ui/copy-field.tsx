import { useState } from 'react'
import { Button } from './button'

/**
 * A read-only value with a Copy button (webhook URLs, set-password links, secrets). The
 * text is selectable too: where the clipboard API is refused, it can be copied by hand.
 */
export function CopyField(props: { label: string; value: string; testId?: string; mono?: boolean }) {
  const [copied, setCopied] = useState(false)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value)
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    } catch {
      // No clipboard permission (plain http, an iframe): the field stays selectable.
    }
  }
  return (
    <div className="flex items-stretch gap-1.5">
      <input
        readOnly
        aria-label={props.label}
        data-testid={props.testId}
        value={props.value}
        onFocus={(e) => e.currentTarget.select()}
        className={`h-8 min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-2 text-[12.5px] text-slate-800 outline-none focus:border-indigo-500 ${
          props.mono === false ? '' : 'font-mono'
        }`}
      />
      <Button
        size="md"
        onClick={() => void copy()}
        data-testid={props.testId ? `${props.testId}-copy` : undefined}
      >
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  )
}
