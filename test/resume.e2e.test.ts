import { isFinal } from '@autoflow/core';
import { executionIdFor, resumeExecution } from '@autoflow/engine';
import { EmbeddedStack } from '@autoflow/local';
import { saveFlow } from './support/flows';
import { waitFor } from './support/waitFor';
import { WebhookServer } from './support/webhookServer';

/** An action can pause its execution until someone resumes it with a single-use token. */
describe('pausing and resuming an execution', () => {
  let stack: EmbeddedStack;
  let hooks: WebhookServer;
  const tokens: string[] = [];

  beforeAll(async () => {
    hooks = await WebhookServer.start();
    stack = await EmbeddedStack.start({
      sweepIntervalMs: 100,
      pollIntervalMs: 25,
      customHandlers: {
        'await-approval': async (ctx) => {
          tokens.push(ctx.resume_token);
          return { outputs: { requested: true }, effect: 'pause' };
        },
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await hooks?.stop();
  });

  it('waits paused until resumed, then runs the rest; the token works once and only for its execution', async () => {
    const org = 'resume-org';
    const flow = await saveFlow(stack, org, {
      flow_name: 'approval',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [
        { id: 'approve', type: 'await-approval', config: {} },
        { id: 'hook', type: 'trigger-webhook', config: { url: `${hooks.url}/approved` } },
      ],
    });
    await stack.publishEvents([{ event_id: 'r-1', org_id: org, type: 'manual', flow_id: flow.id, entity: { _id: 'doc-1', _schema: 'document' } }]);
    const id = executionIdFor(org, 'r-1', flow.id);
    const paused = await waitFor('the execution to pause', async () => {
      const doc = (await stack.getExecution(org, id)) as Record<string, any> | undefined;
      return doc?.execution_status === 'paused' ? doc : undefined;
    });
    expect(paused.actions.map((a: any) => a.execution_status)).toEqual(['paused', 'pending']);
    expect(hooks.received('/approved')).toHaveLength(0);

    const deps = { executions: stack.stores.executions, clock: stack.clock };
    const token = tokens[0]!;
    const forged = `${token.split('.').slice(0, 3).join('.')}.${'A'.repeat(32)}`;
    expect(await resumeExecution(deps, forged)).toEqual({ ok: false, reason: 'invalid_token' });
    expect(await resumeExecution(deps, 'garbage')).toEqual({ ok: false, reason: 'invalid_token' });
    expect(await resumeExecution(deps, token)).toEqual({ ok: true, org_id: org, execution_id: id });
    expect(await resumeExecution(deps, token)).toEqual({ ok: false, reason: 'not_waiting' });

    const done = await waitFor('the execution to finish', async () => {
      const doc = (await stack.getExecution(org, id)) as Record<string, any> | undefined;
      return doc && isFinal(doc.execution_status) ? doc : undefined;
    });
    expect(done.execution_status).toBe('success');
    expect(done.actions.map((a: any) => a.execution_status)).toEqual(['success', 'success']);
    expect(hooks.received('/approved')).toHaveLength(1);
  });
});
