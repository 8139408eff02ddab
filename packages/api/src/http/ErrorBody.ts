import { z } from '@hono/zod-openapi';

export const ProblemSchema = z
  .object({
    in: z.enum(['body', 'query', 'path', 'header']).optional().describe('Part of the request the problem is in.'),
    path: z.string().describe('Where in that part, e.g. `actions[0].config.url`; empty for the part as a whole.'),
    message: z.string(),
  })
  .openapi('Problem');

/**
 * epilot's `ErrorObject` (`{status, error}`); autoflow adds `problems` (every problem of an
 * invalid request, each with its path) and, for server errors, `request_id`.
 */
export const ErrorBodySchema = z
  .object({
    status: z.int().describe('The HTTP status code.'),
    error: z.string().describe('What went wrong, in words.'),
    problems: z.array(ProblemSchema).optional().describe('autoflow extension: every problem of an invalid request.'),
    request_id: z.string().optional().describe('autoflow extension: quote it when reporting a server error.'),
  })
  .openapi('ErrorObject');

export type Problem = z.infer<typeof ProblemSchema>;
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export function errorBody(status: number, error: string, problems?: readonly Problem[]): ErrorBody {
  return { status, error, ...(problems && problems.length > 0 ? { problems: [...problems] } : {}) };
}

/** One line listing the problems: `actions[0].type: is required; flow_name: must not be empty`. */
export function describeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.in && p.in !== 'body' ? `${p.in} ` : ''}${p.path || '(root)'}: ${p.message}`).join('; ');
}
