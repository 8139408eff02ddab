import { ENV, METRIC } from '@autoflow/aws';
import type { ScheduledEvent } from 'aws-lambda';
import { createSweeperLambda } from '../../src/lambda/sweeper';
import { LambdaTestBed } from './support/LambdaTestBed';

describe('sweeper Lambda (every minute, EventBridge schedule)', () => {
  let bed: LambdaTestBed;

  beforeAll(async () => {
    bed = await LambdaTestBed.start('sweeper');
  });
  afterAll(() => bed?.stop());

  const scheduled: ScheduledEvent = {
    version: '0',
    id: 'c0ffee00-0000-4000-8000-000000000000',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:000000000000:rule/autoflow-test-sweeper'],
    detail: {},
  };

  it('re-dispatches an execution nobody picked up once its lease expired, and leaves live ones alone', async () => {
    const flow = await bed.saveFlow('org-s', { flow_name: 'stuck', triggers: [{ type: 'entity_manual', configuration: {} }], actions: [{ id: 'a', type: 'custom-step' }] });
    await bed.createExecution(flow, 'x-stuck', Date.now() - 10 * 60_000); // its dispatch was lost ten minutes ago
    await bed.createExecution(flow, 'x-fresh');
    const sweeper = createSweeperLambda({
      env: bed.env({ [ENV.executionsTable]: bed.tables.executions, [ENV.controlTable]: bed.tables.control, [ENV.automationBus]: 'autoflow-test-automation' }),
    });

    const report = await sweeper(scheduled);

    expect(report).toEqual({ checked: 2, redriven: 1 });
    expect(bed.eventBridge.dispatches().map((d) => [d.detailType, d.detail.dispatch.execution_id])).toEqual([['dispatch-custom-step', 'x-stuck']]);
    expect(bed.metrics).toContainEqual({ name: METRIC.executionsRedriven, value: 1, stage: 'test' });
  });
});
