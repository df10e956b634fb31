import {
  type ExpressionScope,
  evaluateExpression,
  type PreparedExpression,
  prepareExpression,
} from '../../expressions/evaluate'
import { type PreparedTemplate, prepareTemplate, renderTemplate } from '../../expressions/template-string'
import type { MaybePromise } from '../types'
import { all, andThen } from './maybe'

/** A config field compiled once, remembering its name so failures say which field broke. */
export interface Field {
  name: string
  expr: PreparedExpression
  /** For mapping entries: the key the value is stored under. */
  key?: string
}

export interface TemplateField {
  name: string
  template: PreparedTemplate
}

function named(name: string, err: unknown): Error {
  return new Error(`${name}: ${(err as Error).message}`)
}

export function compileField(name: string, text: string): Field {
  if (text.trim() === '') throw new Error(`${name}: the expression is empty`)
  try {
    return { name, expr: prepareExpression(text) }
  } catch (err) {
    throw named(name, err)
  }
}

export function compileTemplate(name: string, text: string): TemplateField {
  try {
    return { name, template: prepareTemplate(text) }
  } catch (err) {
    throw named(name, err)
  }
}

/** name → JSONata mappings (transform vars, Braze attributes …), in config order. */
export function compileMapping(name: string, mapping: Record<string, string>): Field[] {
  if (Object.hasOwn(mapping, '__proto__')) throw new Error(`${name}: "__proto__" cannot be a name`)
  return Object.entries(mapping).map(([key, text]) => ({ ...compileField(`${name}.${key}`, text), key }))
}

export function evalField(field: Field, scope: ExpressionScope): unknown {
  const v = evaluateExpression(field.expr, scope)
  if (v instanceof Promise) {
    return v.catch((err) => {
      throw named(field.name, err)
    })
  }
  return v
}

export function evalTemplate(field: TemplateField, scope: ExpressionScope): MaybePromise<string> {
  const v = renderTemplate(field.template, scope)
  if (v instanceof Promise) {
    return v.catch((err) => {
      throw named(field.name, err)
    })
  }
  return v
}

/** Evaluate a mapping into an object; keys whose value is missing are left out (as JSONata does). */
export function evalMapping(fields: Field[], scope: ExpressionScope): MaybePromise<Record<string, unknown>> {
  const values = fields.map((f) => evalField(f, scope))
  return andThen(all(values), (resolved) => {
    const out: Record<string, unknown> = {}
    for (let i = 0; i < fields.length; i++) {
      if (resolved[i] !== undefined) out[fields[i].key ?? fields[i].name] = resolved[i]
    }
    return out
  })
}
