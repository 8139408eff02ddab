import { DISPATCHER_STREAM_FILTER, ENV, executionKeys } from '@autoflow/aws';
import { AUTOMATION_SOURCE, type ActionResult, ConflictError, type ExecutionState, matchesPattern } from '@autoflow/core';
import type { StoredFlow } from '@autoflow/engine';
import type { DynamoDBRecord } from 'aws-lambda';
import { createDispatcherLambda } from '../../src/lambda/dispatcher';
import { LambdaTestBed } from './support/LambdaTestBed';

describe('dispatcher Lambda (DynamoDB stream event source, ReportBatchItemFailures)', () => {
  let bed: LambdaTestBed;
  let flow: StoredFlow;

  beforeAll(async () => {
    bed = await LambdaTestBed.start('dispatcher');
    flow = await bed.saveFlow('org-d', {
      flow_name: 'two steps',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [
        { id: 'first', type: 'custom-step' },
        { id: 'second', type: 'custom-step' },
      ],
    });
  });
  afterAll(() => bed?.stop());
  beforeEach(() => bed.eventBridge.clear());
  afterEach(() => bed.dynamoProxy.throttleRequestsContaining(undefined));

  const handler = (extra: Record<string, string> = {}) =>
    createDispatcherLambda({
      env: bed.env({ [ENV.executionsTable]: bed.tables.executions, [ENV.controlTable]: bed.tables.control, [ENV.automationBus]: 'autoflow-test-automation', ...extra }),
    });
  const stateRecord = (org: string, id: string, eventName: 'INSERT' | 'MODIFY' = 'INSERT') => bed.streamRecord('executions', executionKeys.state(org, id), eventName);
  /** Lambda's filter criteria would let this record through (the deployed filter is the same pattern). */
  const passesFilter = (record: DynamoDBRecord) => matchesPattern(DISPATCHER_STREAM_FILTER as never, record);

  it('dispatches once per action when a stream record is replayed after the claim', async () => {
    await bed.createExecution(flow, 'x-replay');
    const created = await stateRecord('org-d', 'x-replay');
    expect(passesFilter(created)).toBe(true);
    const fn = handler();

    expect(await fn({ Records: [created] })).toEqual({ batchItemFailures: [] });
    const [first] = bed.eventBridge.dispatches();
    expect(bed.eventBridge.entries).toHaveLength(1);
    expect(bed.eventBridge.entries[0]).toMatchObject({ EventBusName: 'autoflow-test-automation', Source: AUTOMATION_SOURCE, DetailType: 'dispatch-custom-step' });
    expect(first!.detail.dispatch).toMatchObject({ index: 0, action_id: 'first', attempt: 1, expect_seq: 0 });

    // The worker claims the dispatch and writes its result, as WorkerRunner does.
    const { executions } = bed.stores();
    await executions.writeState(first!.detail.next as unknown as ExecutionState, first!.detail.dispatch.expect_seq);
    const claimed = await stateRecord('org-d', 'x-replay', 'MODIFY');
    expect(passesFilter(claimed)).toBe(false); // a busy state never wakes the dispatcher
    const result: ActionResult = { index: 0, action_id: 'first', attempt: 1, status: 'success', started_at: Date.now(), ended_at: Date.now(), outputs: { ok: true } };
    await executions.putResult('org-d', 'x-replay', result);
    const resultRecord = await bed.streamRecord('executions', executionKeys.result('org-d', 'x-replay', 0, 1), 'INSERT');

    // Lambda retries the shard from an older position: the creation record comes again, then the result.
    expect(await fn({ Records: [created, resultRecord] })).toEqual({ batchItemFailures: [] });

    const dispatched = bed.eventBridge.dispatches().map((d) => d.detail.dispatch.index);
    expect(dispatched).toEqual([0, 1]); // the replay did not dispatch the first action again
  });

  it('republishes the same dispatch when a record is replayed before the claim, so only one claim can win', async () => {
    await bed.createExecution(flow, 'x-early');
    const created = await stateRecord('org-d', 'x-early');

    expect(await handler()({ Records: [created, created] })).toEqual({ batchItemFailures: [] });

    const [a, b] = bed.eventBridge.dispatches();
    expect(bed.eventBridge.entries).toHaveLength(2);
    // Same dispatch id and the same expected seq: the claims race for one transition.
    expect(b!.detail.dispatch).toEqual(a!.detail.dispatch);
    const { executions } = bed.stores();
    await executions.writeState(a!.detail.next as unknown as ExecutionState, a!.detail.dispatch.expect_seq);
    await expect(executions.writeState(b!.detail.next as unknown as ExecutionState, b!.detail.dispatch.expect_seq)).rejects.toBeInstanceOf(ConflictError);
  });

  it('admits executions with the org cap of the deployment: over the cap, an execution waits as pending', async () => {
    const capped = await bed.saveFlow('org-cap', { flow_name: 'capped', triggers: [{ type: 'entity_manual', configuration: {} }], actions: [{ id: 'a', type: 'custom-step' }] });
    await bed.createExecution(capped, 'x-first');
    await bed.createExecution(capped, 'x-second');
    const records = [await stateRecord('org-cap', 'x-first'), await stateRecord('org-cap', 'x-second')];

    expect(await handler({ [ENV.guards]: JSON.stringify({ orgConcurrency: 1 }) })({ Records: records })).toEqual({ batchItemFailures: [] });

    // The two executions are handled side by side: one takes the only slot, the other waits.
    const dispatched = bed.eventBridge.dispatches().map((d) => d.detail.dispatch.execution_id);
    expect(dispatched).toHaveLength(1);
    const waiting = dispatched[0] === 'x-first' ? 'x-second' : 'x-first';
    expect(await bed.stores().executions.getState('org-cap', waiting)).toMatchObject({ status: 'pending' });
  });

  it('reports only the record whose execution could not be read, by its sequence number', async () => {
    const other = await bed.saveFlow('org-slow', { flow_name: 'slow', triggers: [{ type: 'entity_manual', configuration: {} }], actions: [{ id: 'a', type: 'custom-step' }] });
    await bed.createExecution(flow, 'x-ok');
    await bed.createExecution(other, 'x-throttled');
    const ok = await stateRecord('org-d', 'x-ok');
    const throttled = await stateRecord('org-slow', 'x-throttled');
    bed.dynamoProxy.throttleRequestsContaining('ORG#org-slow');

    const response = await handler()({ Records: [ok, throttled] });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: throttled.dynamodb!.SequenceNumber }] });
    expect(bed.eventBridge.dispatches().map((d) => d.detail.dispatch.execution_id)).toEqual(['x-ok']);
  });
});
