import { parseWithProblems, type ValidationProblem } from '../schemas/ValidationProblem';
import { type BulkTriggerRequest, BulkTriggerRequestSchema } from './BulkTriggerRequest';

export type ParseBulkTriggerRequestResult =
  | { readonly ok: true; readonly request: BulkTriggerRequest }
  | { readonly ok: false; readonly problems: ValidationProblem[] };

/** Validates a bulk trigger request body, reporting every problem with its path. */
export function parseBulkTriggerRequest(raw: unknown): ParseBulkTriggerRequestResult {
  const parsed = parseWithProblems(BulkTriggerRequestSchema, raw);
  return parsed.ok ? { ok: true, request: parsed.data } : { ok: false, problems: parsed.problems };
}
