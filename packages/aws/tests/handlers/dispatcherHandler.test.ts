import { marshall } from '@aws-sdk/util-dynamodb';
import type { Dispatcher } from '@autoflow/engine';
import type { DynamoDBRecord } from 'aws-lambda';
import { createDispatcherHandler } from '../../src/handlers/dispatcherHandler';
import { executionKeys } from '../../src/tables/keys';

let sequence = 100;
/** A state record of one execution, as the executions stream delivers it. */
function stateRecord(executionId: string, seq: number): DynamoDBRecord {
  const key = executionKeys.state('org-h', executionId);
  const image = { ...key, status: 'pending', seq, cur: -1, acts: [], created_at: 0, updated_at: 0, lease_until: 0, flow_id: 'f', wake: true };
  return {
    eventID: `ev-${sequence}`,
    eventName: 'MODIFY',
    dynamodb: { Keys: marshall(key) as never, NewImage: marshall(image) as never, SequenceNumber: String(sequence++) },
  };
}

describe('createDispatcherHandler', () => {
  it("handles each execution's records in order and different executions side by side", async () => {
    const order: string[] = [];
    let releaseA!: () => void;
    const aBlocked = new Promise<void>((resolve) => (releaseA = resolve));
    const dispatcher = {
      onState: async (state: { execution_id: string; seq: number }) => {
        order.push(`${state.execution_id}.${state.seq}:start`);
        // a's first record waits until b's records are through: b did not wait behind a
        if (state.execution_id === 'a' && state.seq === 1) await aBlocked;
        if (state.execution_id === 'b' && state.seq === 2) releaseA();
        order.push(`${state.execution_id}.${state.seq}:end`);
        return 'none';
      },
    } as unknown as Dispatcher;
    const response = await createDispatcherHandler(dispatcher)({ Records: [stateRecord('a', 1), stateRecord('a', 2), stateRecord('b', 1), stateRecord('b', 2)] });

    expect(response.batchItemFailures).toEqual([]);
    expect(order.indexOf('b.2:end')).toBeLessThan(order.indexOf('a.1:end'));
    expect(order.indexOf('a.1:end')).toBeLessThan(order.indexOf('a.2:start'));
  });

  it('reports a failed record and the later records of its execution, and goes on with the others', async () => {
    const handled: string[] = [];
    const dispatcher = {
      onState: async (state: { execution_id: string; seq: number }) => {
        if (state.execution_id === 'a' && state.seq === 2) throw new Error('throttled');
        handled.push(`${state.execution_id}.${state.seq}`);
        return 'none';
      },
    } as unknown as Dispatcher;
    const records = [stateRecord('a', 1), stateRecord('b', 1), stateRecord('a', 2), stateRecord('a', 3), stateRecord('b', 2)];
    const errors: string[] = [];
    const response = await createDispatcherHandler(dispatcher, { onError: (message) => errors.push(message) })({ Records: records });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[2]!.dynamodb!.SequenceNumber }, { itemIdentifier: records[3]!.dynamodb!.SequenceNumber }]);
    expect(handled.sort()).toEqual(['a.1', 'b.1', 'b.2']);
    expect(errors).toEqual(['dispatcher record failed']);
  });
});
