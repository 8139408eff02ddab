import { MAX_EVENT_BYTES } from '@autoflow/core';
import { MAX_ENTITY_BYTES, MAX_EVENTS_PER_REQUEST } from '@autoflow/engine';
import { MAX_JSON_DEPTH } from './http/jsonBodyGuard';

/** Largest request body: 1 MiB. A flow, a batch of events or an entity fits well within it. */
export const REQUEST_BODY_LIMIT_BYTES = 1024 * 1024;

/** Every size limit of the API, for docs and clients. */
export const API_LIMITS = {
  requestBodyBytes: REQUEST_BODY_LIMIT_BYTES,
  eventBytes: MAX_EVENT_BYTES,
  eventsPerRequest: MAX_EVENTS_PER_REQUEST,
  entityBytes: MAX_ENTITY_BYTES,
  jsonDepth: MAX_JSON_DEPTH,
} as const;
