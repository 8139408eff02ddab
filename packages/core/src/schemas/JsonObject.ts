import { z } from 'zod';

/**
 * A free-form JSON object: the declared places where any keys are allowed (config of custom
 * action types, filter patterns, payloads, entity attributes).
 */
export const JsonObjectSchema = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof JsonObjectSchema>;

/** True for non-null, non-array objects; refinements that run on partly invalid input check this first. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
