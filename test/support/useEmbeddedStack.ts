import { isFinal } from '@autoflow/core';
import { EmbeddedStack, type EmbeddedStackOptions } from '@autoflow/local';
import { waitFor } from './waitFor';
import { WebhookServer } from './webhookServer';

export interface TestEnvironment {
  stack: EmbeddedStack;
  hooks: WebhookServer;
}

/**
 * Starts an embedded stack and a webhook receiver for the suite (fast polling and sweeping) and
 * stops both after it.
 */
export function useEmbeddedStack(options: EmbeddedStackOptions = {}): TestEnvironment {
  const env = {} as TestEnvironment;
  beforeAll(async () => {
    env.hooks = await WebhookServer.start();
    const debug = process.env.AUTOFLOW_TEST_DEBUG
      ? { logger: { debug: console.log, info: console.log, warn: console.log, error: console.log }, onTransition: (s: any, d: any) => console.log('T', s.execution_id.slice(0, 8), s.status, s.held, d.kind, d.kind !== 'none' ? d.next.status : d.reason) }
      : {};
    env.stack = await EmbeddedStack.start({ sweepIntervalMs: 100, pollIntervalMs: 25, ...debug, ...options });
  });
  afterAll(async () => {
    await env.stack?.stop();
    await env.hooks?.stop();
  });
  return env;
}

/** Waits until `count` executions of the entity exist and all are final; returns their documents. */
export function finishedExecutionsOf(stack: EmbeddedStack, org: string, entityId: string, count = 1): Promise<Array<Record<string, any>>> {
  return waitFor(`${count} finished execution(s) of ${entityId}`, async () => {
    const states = await stack.stores.executions.listByEntity(org, entityId);
    if (states.length < count || !states.every((s) => isFinal(s.status))) return undefined;
    return Promise.all(states.map(async (s) => (await stack.getExecution(org, s.execution_id)) as Record<string, any>));
  });
}

/** Waits until the execution is final; returns its document. */
export function finishedExecution(stack: EmbeddedStack, org: string, executionId: string): Promise<Record<string, any>> {
  return waitFor(`execution ${executionId} to finish`, async () => {
    const doc = (await stack.getExecution(org, executionId)) as Record<string, any> | undefined;
    return doc && isFinal(doc.execution_status) ? doc : undefined;
  });
}
