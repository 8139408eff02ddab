import type { ActionHandler } from './ActionHandler';

/**
 * Action handlers by action type. A type is registered once: a second registration is a
 * wiring mistake (two workers would disagree on what the type does), so it throws.
 */
export class ActionRegistry {
  private readonly handlers = new Map<string, ActionHandler>();

  constructor(initial: Record<string, ActionHandler> = {}) {
    for (const [type, handler] of Object.entries(initial)) this.register(type, handler);
  }

  register(type: string, handler: ActionHandler): this {
    if (type.trim() === '') throw new Error('Action type must not be empty');
    if (this.handlers.has(type)) throw new Error(`A handler for action type "${type}" is already registered`);
    this.handlers.set(type, handler);
    return this;
  }

  get(type: string): ActionHandler | undefined {
    return this.handlers.get(type);
  }

  has(type: string): boolean {
    return this.handlers.has(type);
  }

  /** registered types, in registration order */
  types(): string[] {
    return [...this.handlers.keys()];
  }
}
