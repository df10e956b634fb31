/**
 * A whole-number setting from the environment, or undefined when unset. Anything else stops
 * the start with a message naming the variable: `Number('1O')` is NaN, which crashed far
 * from its cause, and a run concurrency of 0 started a server that never ran anything.
 */
export function envInt(
  env: NodeJS.ProcessEnv,
  name: string,
  min: number = Number.MIN_SAFE_INTEGER,
): number | undefined {
  const text = env[name]?.trim()
  if (text === undefined || text === '') return undefined
  const value = Number(text)
  if (Number.isSafeInteger(value) && value >= min) return value
  const bound = min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ''
  throw new Error(`${name} must be a whole number${bound}, not ${JSON.stringify(env[name])}`)
}
