import type { z } from 'zod';
import type { EventPattern } from '../pattern/EventPattern';
import { validatePattern } from '../pattern/validatePattern';
import { type JsonObject, JsonObjectSchema } from './JsonObject';

/**
 * An EventBridge content pattern written in a flow (`wait` events, `exit_on`), checked with the
 * pattern module's own validator so that a saved pattern always compiles. Its problems are
 * reported under the pattern's path in the flow.
 *
 * Trigger filter patterns are checked by `parseFlow`'s injected validator instead; these newer
 * places check themselves, so every caller of the flow schema refuses a broken pattern.
 */
export const EventPatternSchema = JsonObjectSchema.superRefine((pattern, ctx) => {
  for (const problem of validatePattern(pattern)) {
    ctx.addIssue({ code: 'custom', path: splitPatternPath(problem.path), message: problem.message });
  }
  // The validator guarantees the shape the type describes, which a JSON object schema cannot state.
}) as unknown as z.ZodType<EventPattern, JsonObject>;

/** `status[0].numeric` → `['status', 0, 'numeric']`; `` → `[]`. */
function splitPatternPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const token of path.match(/\[\d+\]|[^.[\]]+/g) ?? []) {
    segments.push(token.startsWith('[') ? Number(token.slice(1, -1)) : token);
  }
  return segments;
}
