import type { HelperDelegate } from 'handlebars';
import { DEFAULT_DATE_FORMAT, formatIsoDate } from './formatIsoDate';

/**
 * The helpers available to every template. Each is pure, reads only its arguments and
 * returns text or a value for a subexpression; none touches the clock, the network or the
 * console. Handlebars passes its `options` object as the last argument, which the helpers
 * below drop before looking at their own arguments.
 */
export const TEMPLATE_HELPERS = {
  /** `{{#if (eq status "open")}}` — strict equality. */
  eq: (...args: unknown[]): boolean => {
    const [a, b] = withoutOptions(args);
    return a === b;
  },
  /** `{{default nickname first_name}}` — the first value that is not null, undefined or ''. */
  default: (...args: unknown[]): unknown => withoutOptions(args).find((value) => value !== undefined && value !== null && value !== '') ?? '',
  /** `{{json order}}` — JSON text (escaped like any other output unless escaping is off). */
  json: (...args: unknown[]): string => {
    const [value] = withoutOptions(args);
    return value === undefined ? '' : (JSON.stringify(value) ?? '');
  },
  upper: (...args: unknown[]): string => textOf(withoutOptions(args)[0]).toUpperCase(),
  lower: (...args: unknown[]): string => textOf(withoutOptions(args)[0]).toLowerCase(),
  /** `{{date created_at "DD.MM.YYYY"}}` — see formatIsoDate; UTC, no clock. */
  date: (...args: unknown[]): string => {
    const [value, format] = withoutOptions(args);
    return formatIsoDate(value, typeof format === 'string' ? format : DEFAULT_DATE_FORMAT);
  },
} as const satisfies Record<string, HelperDelegate>;

function withoutOptions(args: readonly unknown[]): unknown[] {
  return args.slice(0, -1);
}

function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : String(value);
}
