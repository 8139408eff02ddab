import { resolveWindowZone } from '../../src/schedules';

describe('resolveWindowZone', () => {
  it.each([
    ['the recipient\'s zone from the attribute', { time_zone: 'Europe/Berlin', time_zone_attribute: 'tz' }, { tz: 'America/New_York' }, 'America/New_York'],
    ['a zone at a path of the entity', { time_zone_attribute: 'address.tz' }, { address: { tz: 'Asia/Tokyo' } }, 'Asia/Tokyo'],
    ['time_zone when the attribute is missing', { time_zone: 'Europe/Berlin', time_zone_attribute: 'tz' }, {}, 'Europe/Berlin'],
    ['time_zone when the attribute is not a zone', { time_zone: 'Europe/Berlin', time_zone_attribute: 'tz' }, { tz: 'Berlin time' }, 'Europe/Berlin'],
    ['time_zone when the attribute is not a string', { time_zone: 'Europe/Berlin', time_zone_attribute: 'tz' }, { tz: 1 }, 'Europe/Berlin'],
    ['time_zone when the attribute is empty', { time_zone: 'Europe/Berlin', time_zone_attribute: 'tz' }, { tz: '' }, 'Europe/Berlin'],
    ['time_zone when there is no entity', { time_zone: 'Europe/Berlin', time_zone_attribute: 'tz' }, undefined, 'Europe/Berlin'],
    ['UTC when neither is set', {}, { tz: 'Asia/Tokyo' }, 'UTC'],
    ['UTC when the attribute is invalid and time_zone is absent', { time_zone_attribute: 'tz' }, { tz: 'Mars/Olympus' }, 'UTC'],
    ['UTC when time_zone is unknown to this runtime', { time_zone: 'Mars/Olympus' }, undefined, 'UTC'],
  ] as const)('returns %s', (_case, window, entity, zone) => {
    expect(resolveWindowZone(window, entity)).toBe(zone);
  });
});
