import { abSplitExecutor } from './ab-split/execute'
import { approvalExecutor } from './approval/execute'
import { brazeSendMessageExecutor } from './braze-send-message/execute'
import { brazeTriggerCampaignExecutor } from './braze-trigger-campaign/execute'
import { brazeUpdateProfileExecutor } from './braze-update-profile/execute'
import { dataStoreExecutor } from './data-store/execute'
import { decisionExecutor } from './decision/execute'
import { endExecutor } from './end/execute'
import { generateSecretExecutor } from './generate-secret/execute'
import { httpRequestExecutor } from './http-request/execute'
import { passThroughExecutor } from './pass-through/execute'
import { scheduleExecutor } from './schedule/execute'
import { sendEmailExecutor } from './send-email/execute'
import { significanceExecutor } from './significance/execute'
import { startExecutor } from './start/execute'
import { transformExecutor } from './transform/execute'
import type { NodeExecutor } from './types'
import { waitExecutor } from './wait/execute'
import { waitForEventExecutor } from './wait-for-event/execute'

export { getNodeSpec, nodeSpecs } from './specs'

/** Executors by type id: server, CLI and tests import this; the browser imports ./specs. */
export const executors: ReadonlyMap<string, NodeExecutor<never, unknown>> = new Map<
  string,
  NodeExecutor<never, unknown>
>([
  ['start', startExecutor],
  ['schedule', scheduleExecutor],
  ['end', endExecutor],
  ['decision', decisionExecutor],
  ['ab-split', abSplitExecutor],
  ['pass-through', passThroughExecutor],
  ['transform', transformExecutor],
  ['significance', significanceExecutor],
  ['data-store', dataStoreExecutor],
  ['generate-secret', generateSecretExecutor],
  ['wait', waitExecutor],
  ['wait-for-event', waitForEventExecutor],
  ['approval', approvalExecutor],
  ['http-request', httpRequestExecutor],
  ['braze-update-profile', brazeUpdateProfileExecutor],
  ['braze-trigger-campaign', brazeTriggerCampaignExecutor],
  ['braze-send-message', brazeSendMessageExecutor],
  ['send-email', sendEmailExecutor],
] as [string, NodeExecutor<never, unknown>][])

export function getExecutor(typeId: string): NodeExecutor<never, unknown> | undefined {
  return executors.get(typeId)
}
