import { useState } from 'react'
import { Field } from '../sign-in-page'

export const MIN_PASSWORD = 8

/**
 * New password twice, with what is wrong said before submitting. `value` is the password
 * once both fields agree and it is long enough, null otherwise.
 */
export function NewPasswordFields(props: { onChange: (value: string | null) => void; autoFocus?: boolean }) {
  const [first, setFirst] = useState('')
  const [second, setSecond] = useState('')
  const update = (a: string, b: string) => {
    setFirst(a)
    setSecond(b)
    props.onChange(a.length >= MIN_PASSWORD && a === b ? a : null)
  }
  const problem =
    first && first.length < MIN_PASSWORD
      ? `Use at least ${MIN_PASSWORD} characters`
      : second && first !== second
        ? 'The two passwords differ'
        : null
  return (
    <>
      <Field
        label="New password"
        name="new-password"
        type="password"
        value={first}
        onChange={(v) => update(v, second)}
        autoComplete="new-password"
        autoFocus={props.autoFocus}
      />
      <Field
        label="Repeat the new password"
        name="repeat-password"
        type="password"
        value={second}
        onChange={(v) => update(first, v)}
        autoComplete="new-password"
      />
      {problem && (
        <p className="-mt-2 mb-3 text-[12px] text-amber-700" data-testid="password-problem">
          {problem}
        </p>
      )}
    </>
  )
}
