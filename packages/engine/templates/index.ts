/**
 * Runnable templates. The `.flow` files beside this module are the source of truth (the
 * server reads them with fs; the browser gets them through the API), so there is no second
 * copy of their text to drift. This module exports what code needs besides the text:
 * metadata, the sample events and mocks, and the demo recommender that n8 calls.
 */
import type { ConnectionType } from '../src/nodes/shared/connections'

export { type Recommendation, type RecommendationResponse, recommend } from './demo-recommender'
export { DEMO_RECOMMENDER_URL } from './personalization-config'
export { personalizationEvents, personalizationMocks } from './personalization-samples'

export interface TemplateInfo {
  id: string
  title: string
  /** One line: what the workflow does. */
  description: string
  /** File name inside packages/engine/templates/. */
  file: string
  /**
   * The kinds of connection its steps send through, to create before it can run live (its
   * test cases run without any). Steps start with an empty `connectionId`: where exactly one
   * connection of a required kind exists, creating the workflow fills it in.
   */
  connections: readonly ConnectionType[]
}

/** In gallery order: the seed scenario, then the seed's six further workflows. */
export const templates = [
  {
    id: 'personalization',
    title: 'Real-time personalization',
    description:
      'Segment events → recommendation API → personalized or default content → Braze profile and campaign, by email or push.',
    file: 'personalization.flow',
    connections: ['braze'],
  },
  {
    id: 'user-segmentation',
    title: 'User segmentation',
    description:
      'Identify and track events → attributes and 30-day activity in data stores → segment rules → membership changes synced to Braze.',
    file: 'user-segmentation.flow',
    connections: ['braze'],
  },
  {
    id: 'email-campaign',
    title: 'Email marketing campaign',
    description:
      'Every Tuesday: audience → two subject lines to 10% each → bounce-rate guard → the significantly better one to everyone else, with a report.',
    file: 'email-campaign.flow',
    connections: ['http', 'braze', 'smtp'],
  },
  {
    id: 'ab-test',
    title: 'A/B test',
    description:
      'Hypothesis and two variants → deterministic 50/50 allocation → exposures and conversions counted → significance test → winner rolled out.',
    file: 'ab-test.flow',
    connections: ['braze', 'smtp'],
  },
  {
    id: 'account-deletion',
    title: 'Account deletion',
    description:
      'Deletion request → reason → retention offer with 7 days to answer → subscription cancelled → data erased after a grace period → confirmation e-mail.',
    file: 'account-deletion.flow',
    connections: ['http', 'smtp'],
  },
  {
    id: 'api-key-rotation',
    title: 'API key rotation',
    description:
      'New key generated and registered → client notified → dual-key period (warning if the old key is still used) → old key revoked → audit entry.',
    file: 'api-key-rotation.flow',
    connections: ['http', 'smtp'],
  },
  {
    id: 'billing-dispute',
    title: 'Billing dispute',
    description:
      'Dispute → transaction and evidence → fraud score → refund, or an editor approves contesting → chargeback response → customer told.',
    file: 'billing-dispute.flow',
    connections: ['http', 'smtp'],
  },
] as const satisfies readonly TemplateInfo[]

export type TemplateId = (typeof templates)[number]['id']
