import { IANAZone } from 'luxon';
import { DEFAULT_WINDOW_TIME_ZONE, isValidTimeZone, type SendWindow } from '../schemas/SendWindow';
import { readAttribute } from './readAttribute';

/**
 * The zone a send window is read in: the recipient's zone from `time_zone_attribute` of the
 * entity when that holds a known IANA zone, else the window's `time_zone`, else UTC.
 */
export function resolveWindowZone(window: Pick<SendWindow, 'time_zone' | 'time_zone_attribute'>, entity?: Record<string, unknown>): string {
  if (window.time_zone_attribute !== undefined && entity !== undefined) {
    const found = readAttribute(entity, window.time_zone_attribute);
    if (found.found && typeof found.value === 'string' && isUsableZone(found.value)) return found.value;
  }
  if (window.time_zone !== undefined && isUsableZone(window.time_zone)) return window.time_zone;
  return DEFAULT_WINDOW_TIME_ZONE;
}

// The schema checks zones with Intl; luxon must accept the name as well, since it does the arithmetic.
function isUsableZone(zone: string): boolean {
  return isValidTimeZone(zone) && IANAZone.isValidZone(zone);
}
