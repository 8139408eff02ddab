import fc from 'fast-check';
import { messageGroupOf, orgOfMessageGroup, parseMessageGrouping } from '../../src/routing/messageGroup';

describe('trigger queue message groups', () => {
  it('parses the three settings and refuses anything else', () => {
    expect(parseMessageGrouping('org')).toEqual({ kind: 'org' });
    expect(parseMessageGrouping('entity')).toEqual({ kind: 'entity' });
    expect(parseMessageGrouping('bucket:16')).toEqual({ kind: 'bucket', buckets: 16 });
    for (const bad of ['', 'Org', 'bucket:0', 'bucket:1001', 'bucket:x', 'bucket:']) expect(parseMessageGrouping(bad)).toBeUndefined();
  });

  it('groups by org, by org and entity, or by org and bucket; events without an entity by org', () => {
    const event = { org_id: 'acme', entity: { _id: 'order-1' } };
    expect(messageGroupOf(event, { kind: 'org' })).toBe('acme');
    expect(messageGroupOf(event, { kind: 'entity' })).toBe('acme#e:order-1');
    expect(messageGroupOf(event, { kind: 'bucket', buckets: 8 })).toMatch(/^acme#b[0-7]$/);
    expect(messageGroupOf({ org_id: 'acme' }, { kind: 'entity' })).toBe('acme');
    // an org id of 128 characters leaves no room for a finer group
    const long = 'o'.repeat(128);
    expect(messageGroupOf({ org_id: long, entity: { _id: 'x' } }, { kind: 'entity' })).toBe(long);
  });

  it('keeps every group within what SQS takes, names its org first, and gives one entity always the same group', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_\-:.]{1,128}$/),
        fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' }),
        fc.constantFrom({ kind: 'entity' } as const, { kind: 'bucket', buckets: 32 } as const),
        (org, entityId, grouping) => {
          const group = messageGroupOf({ org_id: org, entity: { _id: entityId } }, grouping);
          expect(orgOfMessageGroup(group)).toBe(org);
          expect(group === org || /^[\x21-\x7e]{1,128}$/.test(group)).toBe(true);
          expect(messageGroupOf({ org_id: org, entity: { _id: entityId } }, grouping)).toBe(group);
        },
      ),
    );
  });
});
