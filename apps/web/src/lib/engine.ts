/**
 * The web's one doorway to @flowline/engine (its browser-safe parts): model types, the
 * notation, validation, expressions and the node-type specs.
 */
export type { Group, Issue, Side, Workflow, WorkflowEdge, WorkflowNode } from '@flowline/engine'
export { expressionError, format, parse, parseCondition, validate } from '@flowline/engine'
export type { NodeSpec } from '@flowline/engine/nodes'
export { nodeSpecs } from '@flowline/engine/nodes'
