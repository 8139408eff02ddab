import { BuiltinActionType } from '@autoflow/core';
import { ActionRegistry, builtInHandlers, createCancelFlowExecutionHandler, type ActionHandler } from '../../src/actions';
import { makeContext, makeDeps } from './actionTestKit';

const noop: ActionHandler = async () => ({});

describe('ActionRegistry', () => {
  it('returns the handler registered for a type, and undefined for others', () => {
    const registry = new ActionRegistry().register('custom-crm', noop);
    expect(registry.get('custom-crm')).toBe(noop);
    expect(registry.get('unknown')).toBeUndefined();
  });

  it('refuses to register a type twice', () => {
    const registry = new ActionRegistry({ 'custom-crm': noop });
    expect(() => registry.register('custom-crm', async () => ({}))).toThrow('already registered');
    expect(registry.get('custom-crm')).toBe(noop);
  });

  it('lists its types in registration order', () => {
    const registry = new ActionRegistry().register('b', noop).register('a', noop);
    expect(registry.types()).toEqual(['b', 'a']);
  });
});

describe('builtInHandlers', () => {
  it('provides a handler for each built-in action type that runs on a worker (a wait step is run by the engine)', () => {
    const registry = new ActionRegistry(builtInHandlers(makeDeps()));
    expect(registry.types().sort()).toEqual(Object.values(BuiltinActionType).filter((t) => t !== BuiltinActionType.Wait).sort());
  });
});

describe('cancel-flow-execution handler', () => {
  it('asks to cancel its execution, with the selected reasons and description as outputs', async () => {
    const reasons = [{ id: 'r1', title: 'Customer withdrew' }];
    const outcome = await createCancelFlowExecutionHandler()(
      makeContext('cancel-flow-execution', { selected_reasons: reasons, extra_description: 'called on Monday' }),
    );
    expect(outcome).toEqual({ outputs: { reasons, description: 'called on Monday' }, effect: 'cancel_execution' });
  });

  it('cancels without reasons when none are configured', async () => {
    const outcome = await createCancelFlowExecutionHandler()(makeContext('cancel-flow-execution', undefined));
    expect(outcome).toEqual({ outputs: { reasons: [], description: null }, effect: 'cancel_execution' });
  });

  it('refuses malformed reasons', async () => {
    const run = createCancelFlowExecutionHandler()(makeContext('cancel-flow-execution', { selected_reasons: [{ id: 1 }] }));
    await expect(run).rejects.toMatchObject({ code: 'BAD_CONFIG', message: expect.stringContaining('config.selected_reasons[0].title') });
  });
});
