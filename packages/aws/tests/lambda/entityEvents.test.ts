import { ENV, entityKeys } from '@autoflow/aws';
import { createEntityEventsLambda } from '../../src/lambda/entityEvents';
import { LambdaTestBed } from './support/LambdaTestBed';

describe('entity events Lambda (entity table stream → FIFO trigger queue)', () => {
  let bed: LambdaTestBed;

  beforeAll(async () => {
    bed = await LambdaTestBed.start('entities');
  });
  afterAll(() => bed?.stop());

  const handler = () => createEntityEventsLambda({ env: bed.env({ [ENV.triggerQueueUrl]: bed.queues.triggerUrl }) });

  it('turns entity writes into entity_operation events with their diff, grouped by org, once per version', async () => {
    const { entities } = bed.stores();
    const created = await entities.create('org-e', { _id: 'order-1', _schema: 'order', status: 'open' });
    const insert = await bed.streamRecord('entities', entityKeys.entity('org-e', created._id), 'INSERT');
    await entities.update('org-e', created._id, { status: 'placed' });
    const modify = await bed.streamRecord('entities', entityKeys.entity('org-e', created._id), 'MODIFY', insert.dynamodb!.NewImage);
    const fn = handler();

    expect(await fn({ Records: [insert, modify] })).toEqual({ batchItemFailures: [] });
    expect(await fn({ Records: [modify] })).toEqual({ batchItemFailures: [] }); // a replayed record

    const queued = await bed.drain(bed.queues.triggerUrl);
    expect(queued.map((m) => m.Attributes?.MessageGroupId)).toEqual(['org-e', 'org-e']);
    const [createEvent, updateEvent] = queued.map((m) => JSON.parse(m.Body!));
    expect(createEvent).toMatchObject({ event_id: 'ent-order-1-v1', org_id: 'org-e', type: 'entity_operation', operation: 'createEntity' });
    expect(updateEvent).toMatchObject({ event_id: 'ent-order-1-v2', operation: 'updateEntity', diff: { updated: { status: 'open' } }, entity: { status: 'placed' } });
  });
});
