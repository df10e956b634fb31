import { abSplitExecutor } from './ab-split/execute'
import { brazeSendMessageExecutor } from './braze-send-message/execute'
import { brazeTriggerCampaignExecutor } from './braze-trigger-campaign/execute'
import { brazeUpdateProfileExecutor } from './braze-update-profile/execute'
import { dataStoreExecutor } from './data-store/execute'
import { decisionExecutor } from './decision/execute'
import { endExecutor } from './end/execute'
import { httpRequestExecutor } from './http-request/execute'
import { passThroughExecutor } from './pass-through/execute'
import { significanceExecutor } from './significance/execute'
import { startExecutor } from './start/execute'
import { transformExecutor } from './transform/execute'
import type { NodeExecutor } from './types'
import { waitExecutor } from './wait/execute'

export { getNodeSpec, nodeSpecs } from './specs'

/** Executors by type id: server, CLI and tests import this; the browser imports ./specs. */
export const executors: ReadonlyMap<string, NodeExecutor<never, unknown>> = new Map<
  string,
  NodeExecutor<never, unknown>
>([
  ['start', startExecutor],
  ['end', endExecutor],
  ['decision', decisionExecutor],
  ['ab-split', abSplitExecutor],
  ['pass-through', passThroughExecutor],
  ['transform', transformExecutor],
  ['significance', significanceExecutor],
  ['data-store', dataStoreExecutor],
  ['wait', waitExecutor],
  ['http-request', httpRequestExecutor],
  ['braze-update-profile', brazeUpdateProfileExecutor],
  ['braze-trigger-campaign', brazeTriggerCampaignExecutor],
  ['braze-send-message', brazeSendMessageExecutor],
] as [string, NodeExecutor<never, unknown>][])

export function getExecutor(typeId: string): NodeExecutor<never, unknown> | undefined {
  return executors.get(typeId)
}
