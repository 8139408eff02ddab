import { type AutomationEvent, MAX_EVENT_BYTES, ValidationError, jsonByteLength, parseEvent } from '@autoflow/core';
import type { EventIngress } from '../ports';
import type { ApiCaller } from './ApiCaller';
import { ForbiddenError, type PathProblem, PayloadTooLargeError } from './errors';

/** Most events accepted in one request. */
export const MAX_EVENTS_PER_REQUEST = 100;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Publishes platform events for the caller's org. An event without `org_id` gets the caller's;
 * an event naming another org is refused. Every event is checked (`parseEvent`, size included)
 * before any is published, so a request is accepted whole or not at all.
 */
export class EventService {
  constructor(private readonly deps: { ingress: EventIngress }) {}

  /** `input` is one event or a list of them; problem paths are `[i].field` for a list. */
  async publish(caller: ApiCaller, input: unknown): Promise<{ event_ids: string[] }> {
    const list = Array.isArray(input) ? input : [input];
    const at = (i: number, path: string): string => (Array.isArray(input) ? (path === '' ? `[${i}]` : path.startsWith('[') ? `[${i}]${path}` : `[${i}].${path}`) : path);
    if (list.length === 0) throw new ValidationError('no events', [{ path: '', message: 'must have at least 1 event' }]);
    if (list.length > MAX_EVENTS_PER_REQUEST) {
      throw new ValidationError('too many events', [{ path: '', message: `has ${list.length} events, more than ${MAX_EVENTS_PER_REQUEST} per request` }]);
    }
    const foreign: PathProblem[] = [];
    const tooLarge: PathProblem[] = [];
    const problems: PathProblem[] = [];
    const events: AutomationEvent[] = [];
    list.forEach((raw, i) => {
      if (!isObject(raw)) {
        problems.push({ path: at(i, ''), message: 'expected an event object' });
        return;
      }
      if (raw.org_id !== undefined && raw.org_id !== caller.org_id) {
        foreign.push({ path: at(i, 'org_id'), message: `is ${JSON.stringify(raw.org_id)}, not the token's org "${caller.org_id}"` });
        return;
      }
      const event = { ...raw, org_id: caller.org_id };
      const size = jsonByteLength(event);
      if (size !== undefined && size > MAX_EVENT_BYTES) {
        tooLarge.push({ path: at(i, ''), message: `is ${size} bytes, over the limit of ${MAX_EVENT_BYTES} bytes (256 KB) per event` });
        return;
      }
      const parsed = parseEvent(event, size === undefined ? {} : { size });
      if (parsed.ok) events.push(parsed.event);
      else problems.push(...parsed.problems.map((p) => ({ path: at(i, p.path), message: p.message })));
    });
    if (foreign.length > 0) throw new ForbiddenError('events may only be published for the org of the token', foreign);
    if (tooLarge.length > 0) throw new PayloadTooLargeError('an event is over the size limit', tooLarge);
    if (problems.length > 0) throw new ValidationError('invalid event', problems);
    await this.deps.ingress.publish(events);
    return { event_ids: events.map((e) => e.event_id) };
  }
}
