import { type ValidationProblem, issuesToProblems, parseWithProblems } from '@autoflow/core';
import type { Context } from 'hono';
import type { ZodError, ZodType } from 'zod';
import { type Problem, describeProblems, errorBody } from './ErrorBody';

type Target = 'json' | 'query' | 'param' | 'header' | 'cookie' | 'form';

const WHERE: Record<Target, { in: Problem['in']; label: string }> = {
  json: { in: 'body', label: 'request body' },
  form: { in: 'body', label: 'request body' },
  query: { in: 'query', label: 'query string' },
  param: { in: 'path', label: 'path' },
  header: { in: 'header', label: 'headers' },
  cookie: { in: 'header', label: 'cookies' },
};

export interface RequestSchemas {
  json?: ZodType;
  query?: ZodType;
  param?: ZodType;
}

/**
 * A hook answers with an error body, which no route declares as its success type; routes
 * accept it as any hook (the answer's shape is ErrorBodySchema, declared per route).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ValidationHook = (result: any, c: any) => any;

type HookResult = { target: Target } & ({ success: true } | { success: false; error: ZodError; data?: unknown });

/**
 * Answers an invalid request with 400 and every problem, each with its path. The failing part
 * is parsed again with core's error map, so messages read like the rest of autoflow's
 * (`actions[0].alow_failure: is not a known field (did you mean "allow_failure"?)`).
 */
export function validationHook(schemas: RequestSchemas): ValidationHook {
  return (result: HookResult, c: Context): Response | undefined => {
    if (result.success) return undefined;
    const schema = schemas[result.target as keyof RequestSchemas];
    let problems: ValidationProblem[] = issuesToProblems(result.error.issues);
    if (schema) {
      const again = parseWithProblems(schema, result.data);
      if (!again.ok) problems = again.problems;
    }
    const where = WHERE[result.target];
    const listed = problems.map((p) => ({ in: where.in, path: p.path, message: p.message }));
    return c.json(errorBody(400, `invalid ${where.label}: ${describeProblems(problems)}`, listed), 400);
  };
}
