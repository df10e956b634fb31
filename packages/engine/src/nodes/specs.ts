import { abSplitSpec } from './ab-split/spec'
import { approvalSpec } from './approval/spec'
import { brazeSendMessageSpec } from './braze-send-message/spec'
import { brazeTriggerCampaignSpec } from './braze-trigger-campaign/spec'
import { brazeUpdateProfileSpec } from './braze-update-profile/spec'
import { dataStoreSpec } from './data-store/spec'
import { decisionSpec } from './decision/spec'
import { endSpec } from './end/spec'
import { generateSecretSpec } from './generate-secret/spec'
import { httpRequestSpec } from './http-request/spec'
import { passThroughSpec } from './pass-through/spec'
import { scheduleSpec } from './schedule/spec'
import { sendEmailSpec } from './send-email/spec'
import { significanceSpec } from './significance/spec'
import type { NodeSpec } from './spec'
import { startSpec } from './start/spec'
import { transformSpec } from './transform/spec'
import { waitSpec } from './wait/spec'
import { waitForEventSpec } from './wait-for-event/spec'

/**
 * Every node type's spec, in palette order. This module pulls in no executor code, so
 * the browser can import it (`@flowline/engine/nodes`) to build the palette and forms.
 */
export const nodeSpecs: NodeSpec[] = [
  startSpec,
  scheduleSpec,
  endSpec,
  decisionSpec,
  abSplitSpec,
  passThroughSpec,
  transformSpec,
  significanceSpec,
  dataStoreSpec,
  generateSecretSpec,
  waitSpec,
  waitForEventSpec,
  approvalSpec,
  httpRequestSpec,
  brazeUpdateProfileSpec,
  brazeTriggerCampaignSpec,
  brazeSendMessageSpec,
  sendEmailSpec,
] as NodeSpec[]

const byId = new Map(nodeSpecs.map((s) => [s.id, s]))

export function getNodeSpec(typeId: string): NodeSpec | undefined {
  return byId.get(typeId)
}

// The connections page builds its forms from these (browser-safe: zod schemas and labels only).
export {
  type ConnectionKind,
  type ConnectionType,
  connectionConfigSchemas,
  connectionKinds,
  connectionTypes,
  secretBinding,
} from './shared/connections'
export { type NodeCategory, type NodeSpec, needsConnection, routesOne } from './spec'
