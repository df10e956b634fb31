/**
 * Runnable templates. The `.flow` files beside this module are the source of truth (the
 * server reads them with fs; the browser gets them through the API), so there is no second
 * copy of their text to drift. This module exports what code needs besides the text:
 * metadata, the sample events and mocks, and the demo recommender that n8 calls.
 */
export { type Recommendation, type RecommendationResponse, recommend } from './demo-recommender'
export { DEMO_RECOMMENDER_URL } from './personalization-config'
export { personalizationEvents, personalizationMocks } from './personalization-samples'

export interface TemplateInfo {
  id: string
  title: string
  description: string
  /** File name inside packages/engine/templates/. */
  file: string
}

export const templates: TemplateInfo[] = [
  {
    id: 'personalization',
    title: 'Real-time personalization',
    description:
      'Segment events → recommendation API → personalized or default content → Braze profile and campaign, by email or push.',
    file: 'personalization.flow',
  },
]
