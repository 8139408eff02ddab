import { type AutomationEvent, AutomationEventSchema, MAX_EVENT_BYTES } from './AutomationEvent';
import { parseWithProblems, type ValidationProblem } from './ValidationProblem';

export interface ParseEventOptions {
  /** Size of the raw body in bytes, when the caller has it; otherwise the JSON of `input` is measured. */
  readonly size?: number;
}

export type ParseEventResult =
  | { readonly ok: true; readonly event: AutomationEvent }
  | { readonly ok: false; readonly problems: ValidationProblem[] };

/**
 * Validates an incoming platform event. An event over MAX_EVENT_BYTES is refused before its
 * content is looked at; otherwise every problem is reported, each with its path.
 */
export function parseEvent(input: unknown, opts: ParseEventOptions = {}): ParseEventResult {
  const size = opts.size ?? jsonByteLength(input);
  if (size === undefined) {
    return { ok: false, problems: [{ path: '', message: 'event is not JSON-serialisable' }] };
  }
  if (size > MAX_EVENT_BYTES) {
    return {
      ok: false,
      problems: [{ path: '', message: `event is ${size} bytes, over the limit of ${MAX_EVENT_BYTES} bytes (256 KB)` }],
    };
  }
  const parsed = parseWithProblems(AutomationEventSchema, input);
  return parsed.ok ? { ok: true, event: parsed.data } : { ok: false, problems: parsed.problems };
}

/** UTF-8 length of the JSON of `value`; undefined when it cannot be serialised (cycles, BigInt). */
export function jsonByteLength(value: unknown): number | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return undefined;
  }
  if (json === undefined) return 0;
  let bytes = 0;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < json.length) {
      // a surrogate pair is one 4-byte code point; well-formed JSON.stringify escapes lone surrogates
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
