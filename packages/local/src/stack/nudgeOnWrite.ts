/** The part of an SDK client's middleware stack used here. */
type Handler = (args: { input: Record<string, unknown> }) => Promise<{ output: unknown }>;
interface MiddlewareStackLike {
  add(middleware: (next: Handler, context: { commandName?: string }) => Handler, options: { step: 'initialize'; name: string }): void;
}

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand', 'PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand', 'TransactWriteCommand']);

/** The tables a write names (item calls, batch writes, transactions). */
function tablesOf(input: Record<string, unknown>): string[] {
  const tables = new Set<string>();
  if (typeof input.TableName === 'string') tables.add(input.TableName);
  for (const name of Object.keys((input.RequestItems as object | undefined) ?? {})) tables.add(name);
  for (const item of (input.TransactItems as Array<Record<string, { TableName?: string }>> | undefined) ?? []) {
    for (const op of Object.values(item)) if (typeof op?.TableName === 'string') tables.add(op.TableName);
  }
  return [...tables];
}

/**
 * After each successful write a client sends to one of `tables`, calls that table's callback:
 * the embedded stack nudges the table's stream poller, so the records its own writes cause are
 * read at once instead of at the next poll.
 */
export function nudgeOnWrite(client: unknown, tables: Record<string, () => void>): void {
  (client as { middlewareStack: MiddlewareStackLike }).middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (WRITES.has(String(context.commandName))) for (const table of tablesOf(args.input)) tables[table]?.();
      return out;
    },
    { step: 'initialize', name: 'autoflowNudgeOnWrite' },
  );
}
