import type { z } from 'zod';
import { joinProblemPath, NonRetryableError, parseWithProblems } from '@autoflow/core';
import type { ActionContext } from './ActionHandler';

/**
 * Validates `ctx.action.config` with the flow schema's config schema for the action type.
 * Flows are validated when saved, so this mostly catches flows saved under an older schema;
 * a config that does not fit will not fit on the next attempt either, so every problem is
 * reported at once, with its path, as NonRetryableError('BAD_CONFIG').
 */
export function parseActionConfig<S extends z.ZodType>(schema: S, ctx: ActionContext): z.output<S> {
  const result = parseWithProblems(schema, ctx.action.config ?? {});
  if (result.ok) return result.data;
  const problems = result.problems.map((p) => ({ path: joinProblemPath('config', p.path), message: p.message }));
  throw new NonRetryableError(
    'BAD_CONFIG',
    `Invalid ${ctx.action.type} config for action ${ctx.action.id}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    { info: { problems } },
  );
}
