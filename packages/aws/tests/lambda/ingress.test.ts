import { ENV, METRIC } from '@autoflow/aws';
import { createIngressLambda } from '../../src/lambda/ingress';
import { LambdaTestBed } from './support/LambdaTestBed';

describe('ingress Lambda (platform bus rule target → FIFO trigger queue)', () => {
  let bed: LambdaTestBed;

  beforeAll(async () => {
    bed = await LambdaTestBed.start('ingress');
  });
  afterAll(() => bed?.stop());

  const ingress = (extra: Record<string, string> = {}) => createIngressLambda({ env: bed.env({ [ENV.triggerQueueUrl]: bed.queues.triggerUrl, [ENV.triggerDlqUrl]: bed.queues.dlqUrl, ...extra }) });
  /** What EventBridge hands the rule's target for a platform's PutEvents entry. */
  const platformEvent = (detail: unknown) => bed.eventBridgeEvent({ Source: 'crm.platform', DetailType: 'entity_operation', Detail: JSON.stringify(detail) });
  const entityEvent = (org: string, id: string) => ({ event_id: id, org_id: org, type: 'entity_operation', operation: 'updateEntity', entity: { _id: 'e-1', _schema: 'order' } });

  it('queues each event in its org’s message group, once even if EventBridge delivers it twice', async () => {
    const fn = ingress();
    const first = platformEvent(entityEvent('org-1', 'evt-1'));

    expect(await fn(first)).toEqual({ outcome: 'queued', org_id: 'org-1', event_id: 'evt-1' });
    await fn(first); // EventBridge retried the delivery
    await fn(platformEvent(entityEvent('org-2', 'evt-2')));
    await fn(platformEvent(entityEvent('org-1', 'evt-3')));

    const queued = await bed.drain(bed.queues.triggerUrl);
    const byGroup = (group: string) => queued.filter((m) => m.Attributes?.MessageGroupId === group).map((m) => JSON.parse(m.Body!).event_id);
    expect(queued).toHaveLength(3);
    expect(byGroup('org-1')).toEqual(['evt-1', 'evt-3']);
    expect(byGroup('org-2')).toEqual(['evt-2']);
    expect(JSON.parse(queued[0]!.Body!)).toEqual(entityEvent('org-1', 'evt-1'));
  });

  it('queues each entity’s events in a group of their own when the deployment says AUTOFLOW_TRIGGER_GROUPING=entity', async () => {
    const fn = ingress({ [ENV.triggerGrouping]: 'entity' });
    await fn(platformEvent({ ...entityEvent('org-g', 'evt-g1'), entity: { _id: 'a', _schema: 'order' } }));
    await fn(platformEvent({ ...entityEvent('org-g', 'evt-g2'), entity: { _id: 'b', _schema: 'order' } }));
    const queued = await bed.drain(bed.queues.triggerUrl);
    expect(queued.map((m) => m.Attributes?.MessageGroupId)).toEqual(['org-g#e:a', 'org-g#e:b']);
  });

  it('dead-letters an event without a valid org_id or event_id, with the reason, and does not fail', async () => {
    const fn = ingress();

    const outcomes = [
      await fn(platformEvent({ event_id: 'evt-9', type: 'entity_operation' })),
      await fn(platformEvent({ org_id: 'org 1!', type: 'entity_operation' })),
    ];

    expect(outcomes).toEqual([
      { outcome: 'rejected', reason: 'event cannot be queued: org_id: is required' },
      { outcome: 'rejected', reason: 'event cannot be queued: org_id: may only contain letters, digits, _, -, : and .; event_id: is required' },
    ]);
    expect(await bed.drain(bed.queues.triggerUrl)).toEqual([]);
    const dead = await bed.drain(bed.queues.dlqUrl);
    expect(dead.map((m) => m.MessageAttributes?.reason?.StringValue).sort()).toEqual(outcomes.map((o) => (o as { reason: string }).reason).sort());
    expect(dead.map((m) => JSON.parse(m.Body!).type)).toEqual(['entity_operation', 'entity_operation']);
    expect(bed.metrics.filter((m) => m.name === METRIC.eventsRejected)).toHaveLength(2);
  });
});
