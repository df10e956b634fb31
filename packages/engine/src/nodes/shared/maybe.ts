import { isPromiseLike } from '../../expressions/evaluate'
import type { MaybePromise } from '../types'

/**
 * Continue with a value that may or may not be a Promise (not named `then`: a module
 * exporting `then` is itself a thenable and breaks dynamic import). Most steps evaluate only
 * fast-path expressions, and awaiting them anyway would cost a microtask each.
 */
export function andThen<T, R>(value: MaybePromise<T>, next: (v: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromiseLike(value) ? (value as Promise<T>).then(next) : next(value as T)
}

/** Like Promise.all, but stays synchronous when no element is a Promise. */
export function all(values: unknown[]): MaybePromise<unknown[]> {
  for (const v of values) if (isPromiseLike(v)) return Promise.all(values)
  return values
}
