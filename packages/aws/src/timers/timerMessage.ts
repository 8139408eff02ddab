import { TimerKind, ValidationError, parseWithProblems } from '@autoflow/core';
import type { Timer } from '@autoflow/engine';
import { z } from 'zod';

/**
 * A message on the timers queue: the `Timer` as JSON, whether SQS held it back (`DelaySeconds`)
 * or a one-time schedule put it there (its target `Input`). Fields this version does not know are
 * dropped rather than refused, so a timer armed by a newer deployment still fires after a rollback.
 */
export const TimerMessageSchema = z.object({
  org_id: z.string().min(1),
  execution_id: z.string().min(1),
  index: z.int().nonnegative(),
  seq: z.int().nonnegative(),
  due_at: z.int().nonnegative(),
  kind: z.enum(TimerKind),
}) satisfies z.ZodType<Timer>;

/** The message body of a timer: exactly the fields of `Timer`, in a fixed order. */
export function timerMessageBody(timer: Timer): string {
  const { org_id, execution_id, index, seq, due_at, kind } = timer;
  return JSON.stringify({ org_id, execution_id, index, seq, due_at, kind });
}

/** Reads a timer message; a body that is not one is a `ValidationError` with every problem. */
export function parseTimerMessage(body: string): Timer {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ValidationError('timer message is invalid', [{ path: '', message: 'is not JSON' }]);
  }
  const parsed = parseWithProblems(TimerMessageSchema, json);
  if (!parsed.ok) throw new ValidationError('timer message is invalid', parsed.problems);
  return parsed.data;
}
