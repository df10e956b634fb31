/**
 * The web's one doorway to @flowline/engine (its browser-safe parts): model types, the
 * notation, validation, expressions and the node-type specs.
 */
export type {
  DiffStatus,
  FieldChange,
  Group,
  Issue,
  ItemDiff,
  RecordedRequest,
  Side,
  TestCase,
  TraceEvent,
  Workflow,
  WorkflowDiff,
  WorkflowEdge,
  WorkflowNode,
} from '@flowline/engine'
export {
  DEFAULT_TIMEZONE,
  diffStatusById,
  diffWorkflows,
  effectiveType,
  expressionError,
  format,
  nextTimes,
  parse,
  parseCondition,
  personalizationEvents,
  personalizationMocks,
  scheduleProblem,
  validate,
} from '@flowline/engine'
export type { ConnectionType, NodeSpec } from '@flowline/engine/nodes'
export {
  connectionConfigSchemas,
  connectionKinds,
  connectionTypes,
  needsConnection,
  nodeSpecs,
  routesOne,
  secretBinding,
} from '@flowline/engine/nodes'
