import { executionIdFor, resumeExecution } from '@autoflow/engine';
import { saveFlow } from './support/flows';
import { waitFor } from './support/waitFor';
import { finishedExecution, useEmbeddedStack } from './support/useEmbeddedStack';

/** An action can pause its execution until someone resumes it with a single-use token. */
describe('pausing and resuming an execution', () => {
  const tokens: string[] = [];
  const env = useEmbeddedStack({
    customHandlers: {
      'await-approval': async (ctx) => {
        tokens.push(ctx.resume_token);
        return { outputs: { requested: true }, effect: 'pause' };
      },
    },
  });

  it('waits paused until resumed, then runs the rest; the token works once and only for its execution', async () => {
    const org = 'resume-org';
    const flow = await saveFlow(env.stack, org, {
      flow_name: 'approval',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [
        { id: 'approve', type: 'await-approval', config: {} },
        { id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/approved` } },
      ],
    });
    await env.stack.publishEvents([{ event_id: 'r-1', org_id: org, type: 'manual', flow_id: flow.id, entity: { _id: 'doc-1', _schema: 'document' } }]);
    const id = executionIdFor(org, 'r-1', flow.id);
    const paused = await waitFor('the execution to pause', async () => {
      const doc = (await env.stack.getExecution(org, id)) as Record<string, any> | undefined;
      return doc?.execution_status === 'paused' ? doc : undefined;
    });
    expect(paused.actions.map((a: any) => a.execution_status)).toEqual(['paused', 'pending']);
    expect(env.hooks.received('/approved')).toHaveLength(0);

    // A paused execution does not hold its entity's lock: another execution on it runs meanwhile.
    const other = await saveFlow(env.stack, org, {
      flow_name: 'meanwhile',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [{ id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/meanwhile` } }],
    });
    await env.stack.publishEvents([{ event_id: 'r-2', org_id: org, type: 'manual', flow_id: other.id, entity: { _id: 'doc-1', _schema: 'document' } }]);
    expect((await finishedExecution(env.stack, org, executionIdFor(org, 'r-2', other.id))).execution_status).toBe('success');
    expect((await env.stack.stores.executions.getState(org, id))?.status).toBe('paused');

    const deps = { executions: env.stack.stores.executions, clock: env.stack.clock };
    const token = tokens[0]!;
    const forged = `${token.split('.').slice(0, 3).join('.')}.${'A'.repeat(32)}`;
    expect(await resumeExecution(deps, forged)).toEqual({ ok: false, reason: 'invalid_token' });
    expect(await resumeExecution(deps, 'garbage')).toEqual({ ok: false, reason: 'invalid_token' });
    expect(await resumeExecution(deps, token)).toEqual({ ok: true, org_id: org, execution_id: id });
    expect(await resumeExecution(deps, token)).toEqual({ ok: false, reason: 'not_waiting' });

    const done = await finishedExecution(env.stack, org, id);
    expect(done.execution_status).toBe('success');
    expect(done.actions.map((a: any) => a.execution_status)).toEqual(['success', 'success']);
    expect(env.hooks.received('/approved')).toHaveLength(1);
  });
});
