import { ENV, FALLBACK_ACTION_TYPE, METRIC, executionKeys } from '@autoflow/aws';
import { WEBHOOK_SIGNATURE_HEADER, verifyWebhookSignature } from '@autoflow/engine';
import { createDispatcherLambda } from '../../src/lambda/dispatcher';
import { createWorkerLambda } from '../../src/lambda/worker';
import { LambdaTestBed } from './support/LambdaTestBed';
import { HttpStub } from './support/httpStub';
import { SecretsExtensionStub } from './support/SecretsExtensionStub';

const SECRET_PARAMETER = '/autoflow/test/webhook-signing-secret';
const SESSION_TOKEN = 'session-token-of-this-container';

describe('worker Lambda (EventBridge rule target, one function per action type)', () => {
  let bed: LambdaTestBed;
  let receiver: HttpStub;
  let extension: SecretsExtensionStub;

  beforeAll(async () => {
    bed = await LambdaTestBed.start('worker');
    receiver = await HttpStub.start(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }));
    extension = await SecretsExtensionStub.start(SESSION_TOKEN, { [SECRET_PARAMETER]: 'signing-secret-from-ssm' });
  });
  afterAll(async () => {
    await receiver?.stop();
    await extension?.stop();
    await bed?.stop();
  });

  const workerEnv = (actionType: string, extra: Record<string, string> = {}) =>
    bed.env({ [ENV.executionsTable]: bed.tables.executions, [ENV.actionType]: actionType, ...extra });
  const webhookWorkerEnv = () => ({
    ...workerEnv('trigger-webhook', {
      [ENV.controlTable]: bed.tables.control,
      [ENV.webhookSigningSecret]: SECRET_PARAMETER,
      // the receiver listens on loopback; deployments keep this off
      [ENV.allowPrivateWebhookTargets]: 'true',
    }),
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(extension.port),
    AWS_SESSION_TOKEN: SESSION_TOKEN,
  });

  /** Runs the dispatcher on the execution's creation record and returns the entry it put. */
  async function dispatchFirstAction(org: string, executionId: string, action: { id: string; type: string; config?: Record<string, unknown> }) {
    const flow = await bed.saveFlow(org, { flow_name: 'one action', triggers: [{ type: 'entity_manual', configuration: {} }], actions: [action] });
    await bed.createExecution(flow, executionId);
    bed.eventBridge.clear();
    const dispatcher = createDispatcherLambda({
      env: bed.env({ [ENV.executionsTable]: bed.tables.executions, [ENV.controlTable]: bed.tables.control, [ENV.automationBus]: 'autoflow-test-automation' }),
    });
    await dispatcher({ Records: [await bed.streamRecord('executions', executionKeys.state(org, executionId), 'INSERT')] });
    expect(bed.eventBridge.entries).toHaveLength(1);
    return bed.eventBridge.entries[0]!;
  }

  it('runs the action once when EventBridge delivers the dispatch event twice', async () => {
    const entry = await dispatchFirstAction('org-w', 'x-twice', { id: 'hook', type: 'trigger-webhook', config: { url: `${receiver.url}/hook` } });
    const worker = createWorkerLambda({ env: webhookWorkerEnv() });
    // Two deliveries of one PutEvents entry: EventBridge's at-least-once delivery (same event id).
    const event = bed.eventBridgeEvent(entry);

    const outcomes = [await worker(event), await worker(event)];

    expect(outcomes).toEqual([{ outcome: 'done' }, { outcome: 'duplicate' }]);
    const calls = receiver.requests.filter((r) => r.url === '/hook');
    expect(calls).toHaveLength(1);
    // Signed with the secret read through the Parameters and Secrets extension, once per container.
    expect(verifyWebhookSignature('signing-secret-from-ssm', calls[0]!.headers[WEBHOOK_SIGNATURE_HEADER], calls[0]!.body, Date.now() / 1000, 60)).toBe(true);
    expect(extension.requests).toBe(1);
    const record = await bed.stores().executions.load('org-w', 'x-twice');
    expect(record?.results).toEqual([expect.objectContaining({ index: 0, attempt: 1, status: 'success' })]);
    expect(record?.state).toMatchObject({ seq: 1, acts: [{ s: 'in_progress', n: 1 }] });
    expect(bed.metrics).toContainEqual({ name: METRIC.duplicateDispatches, value: 1, stage: 'test' });
  });

  it('fails an action of a type no worker was deployed for, at once and with the reason (fallback worker)', async () => {
    const entry = await dispatchFirstAction('org-w', 'x-unknown', { id: 'mystery', type: 'nobody-runs-this' });
    expect(entry.DetailType).toBe('dispatch-nobody-runs-this');
    const fallback = createWorkerLambda({ env: workerEnv(FALLBACK_ACTION_TYPE) });

    expect(await fallback(bed.eventBridgeEvent(entry))).toEqual({ outcome: 'done' });

    const record = await bed.stores().executions.load('org-w', 'x-unknown');
    expect(record?.results).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: expect.objectContaining({ code: 'BAD_CONFIG', retryable: false, reason: 'no worker is registered for action type "nobody-runs-this"' }),
      }),
    ]);
  });

  it('refuses to start a webhook worker that has no signing secret, or has variables of another type', async () => {
    const worker = createWorkerLambda({ env: workerEnv('trigger-webhook', { [ENV.entitiesTable]: bed.tables.entities }) });
    await expect(worker(bed.eventBridgeEvent({ Detail: '{}' }))).rejects.toThrow(
      /AUTOFLOW_CONTROL_TABLE is required by the trigger-webhook worker.*AUTOFLOW_WEBHOOK_SIGNING_SECRET is required by the trigger-webhook worker.*AUTOFLOW_ENTITIES_TABLE is not used by the trigger-webhook worker/,
    );
  });
});
