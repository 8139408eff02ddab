import { parse as parseDuration } from 'iso8601-duration';
import { z } from 'zod';

// The library's own pattern is not anchored (it accepts "-PT1M" or "PT1M junk"), so the
// whole string is checked here before the library computes the parts.
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+(?:[.,]\d+)?H)?(\d+(?:[.,]\d+)?M)?(\d+(?:[.,]\d+)?S)?)?$/;

/** True when `value` is an ISO 8601 duration longer than zero (`PT30S`, `PT1M`, `P1D`). */
export function isPositiveIsoDuration(value: string): boolean {
  if (!ISO_DURATION.test(value)) return false;
  try {
    const parts = parseDuration(value);
    return Object.values(parts).some((n) => typeof n === 'number' && n > 0);
  } catch {
    return false;
  }
}

export const IsoDurationSchema = z.string().superRefine((value, ctx) => {
  if (!ISO_DURATION.test(value)) {
    ctx.addIssue({ code: 'custom', message: `must be an ISO 8601 duration such as PT30S, PT1M or P1D (got ${JSON.stringify(value)})` });
  } else if (!isPositiveIsoDuration(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be longer than zero' });
  }
});
