import { formatProblemPath } from '@autoflow/core';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './ApiEnv';
import { describeProblems, errorBody, type Problem } from './ErrorBody';

/**
 * Deepest JSON body accepted. Documents are stored in DynamoDB, which refuses attributes nested
 * more than 32 levels; 24 leaves room for the items that wrap a flow, an entity or an event.
 */
export const MAX_JSON_DEPTH = 24;

/** DynamoDB stores numbers from 1e-130 to about 1e126; the document client only safe integers' range exactly. */
const MIN_MAGNITUDE = 1e-130;

/**
 * What DynamoDB would refuse in a JSON document, each with its path: nesting deeper than
 * MAX_JSON_DEPTH, empty keys, numbers it cannot hold. Iterative, so no input exhausts the stack.
 */
export function unstorableJson(value: unknown, maxProblems = 10): Problem[] {
  const problems: Problem[] = [];
  const stack: Array<[unknown, PropertyKey[]]> = [[value, []]];
  while (stack.length > 0 && problems.length < maxProblems) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'number') {
      if (Math.abs(node) > Number.MAX_SAFE_INTEGER || (node !== 0 && Math.abs(node) < MIN_MAGNITUDE)) {
        problems.push({ path: formatProblemPath(path), message: `is a number autoflow cannot store exactly (use one between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, or a string)` });
      }
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const depth = path.length + 1;
    if (depth > MAX_JSON_DEPTH) {
      problems.push({ path: formatProblemPath(path.slice(0, MAX_JSON_DEPTH)), message: `is nested more than ${MAX_JSON_DEPTH} levels deep, the limit of this API` });
      continue;
    }
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], [...path, i]]);
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === '') problems.push({ path: formatProblemPath(path), message: 'has an empty key ("")' });
      else stack.push([child, [...path, key]]);
    }
  }
  return problems;
}

const isJson = (contentType: string | undefined): boolean => !!contentType && /^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType);

/**
 * Refuses, with 400 and paths, JSON bodies that could not be stored (see unstorableJson).
 * Runs after authentication; the body it parses is cached by hono for the validator. A body
 * that is not JSON is left to the validator, which says so.
 */
export const jsonBodyGuard: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (isJson(c.req.header('content-type'))) {
    let body: unknown;
    let parsed = false;
    try {
      body = await c.req.json();
      parsed = true;
    } catch {
      // the validator answers 400 for a body that is not JSON
    }
    const problems = parsed ? unstorableJson(body).map((p) => ({ in: 'body' as const, ...p })) : [];
    if (problems.length > 0) return c.json(errorBody(400, `the request body cannot be stored: ${describeProblems(problems)}`, problems), 400);
  }
  await next();
};
