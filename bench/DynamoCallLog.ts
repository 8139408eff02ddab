/**
 * Records every call an SDK client sends while recording is on: a middleware at the start of
 * the client's stack, so calls of every store and of the stack's own parts are seen, whatever
 * module sends them. DynamoDB calls that can report consumed capacity are asked to
 * (ReturnConsumedCapacity=INDEXES, index writes included), so units are counted for every table,
 * not only for the executions store that `CapacityMeter` covers.
 *
 * The benchmark reads and writes through clients of its own, so what is recorded is the engine's.
 */
/** The part of an SDK client's middleware stack used here (its types live in @smithy/types, not a dependency of the root). */
type Handler = (args: { input: Record<string, unknown> }) => Promise<{ output: unknown }>;
interface MiddlewareStackLike {
  add(middleware: (next: Handler, context: { commandName?: string }) => Handler, options: { step: 'initialize'; name: string; priority: 'high' }): void;
}

export type ClientName = 'dynamodb' | 'document' | 'streams' | 'sqs';

export interface RecordedCall {
  client: ClientName;
  /** the SDK command without `Command`: GetItem, Query, GetRecords, ReceiveMessage… */
  command: string;
  table?: string;
  index?: string;
  /** the partition and sort key the call names (item calls and key-condition queries) */
  pk?: string;
  sk?: string;
  readUnits: number;
  writeUnits: number;
  /** items a Query or Scan returned, records a GetRecords returned */
  returned?: number;
  /** the input as JSON, to tell whom a call concerns */
  input: string;
  error?: string;
  /** what the tagger given to the log said when the call was sent (e.g. the component sending it) */
  component?: string;
  /** when it was sent (epoch ms) and how long until its answer */
  at: number;
  ms: number;
}

const CAPACITY_COMMANDS = new Set(['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems']);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** A key attribute in document form (`'x'`) or attribute-value form (`{ S: 'x' }`). */
const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { S?: unknown }).S === 'string' ? (v as { S: string }).S : undefined;

export class DynamoCallLog {
  private on = false;
  private readonly log: RecordedCall[] = [];

  /** `tag` is asked, in the caller's async context, whom each call is for. */
  constructor(private readonly tag?: () => string | undefined) {}

  /** Adds the recording middleware to a client (a DocumentClient shares its inner client's stack). */
  attach(name: ClientName, client: unknown): void {
    const stack = (client as { middlewareStack: MiddlewareStackLike }).middlewareStack;
    stack.add(
      (next, context) => async (args) => {
        if (!this.on) return next(args);
        const command = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const input = args.input;
        // In place: a DocumentClient command marshals its own input object, which this is.
        if (name !== 'streams' && name !== 'sqs' && CAPACITY_COMMANDS.has(command) && input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = 'INDEXES';
        const call = describe(name, command, input);
        const tag = this.tag?.();
        if (tag !== undefined) call.component = tag;
        try {
          const out = await next(args);
          const output = out.output as Record<string, unknown>;
          this.addUnits(call, output.ConsumedCapacity as Capacity | Capacity[] | undefined);
          if (typeof output.Count === 'number') call.returned = output.Count;
          if (Array.isArray(output.Records)) call.returned = output.Records.length;
          return out;
        } catch (err) {
          call.error = (err as Error).name;
          throw err;
        } finally {
          call.ms = Date.now() - call.at;
          this.log.push(call);
        }
      },
      { step: 'initialize', name: `benchCallLog-${name}`, priority: 'high' },
    );
  }

  start(): void {
    this.log.length = 0;
    this.on = true;
  }

  /** Stops recording and hands back what was recorded. */
  stop(): RecordedCall[] {
    this.on = false;
    return this.log.splice(0);
  }

  /** What was recorded so far, recording on. */
  get calls(): readonly RecordedCall[] {
    return this.log;
  }

  private addUnits(call: RecordedCall, consumed: Capacity | Capacity[] | undefined): void {
    const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
    for (const c of list) {
      if (READS.has(call.command)) call.readUnits += c.ReadCapacityUnits ?? c.CapacityUnits ?? 0;
      else call.writeUnits += c.WriteCapacityUnits ?? c.CapacityUnits ?? 0;
    }
  }
}

function describe(client: ClientName, command: string, input: Record<string, unknown>): RecordedCall {
  const call: RecordedCall = { client, command, readUnits: 0, writeUnits: 0, input: JSON.stringify(input), at: Date.now(), ms: 0 };
  const table = input.TableName ?? Object.keys((input.RequestItems as object | undefined) ?? {})[0];
  if (typeof table === 'string') call.table = table;
  if (typeof input.IndexName === 'string') call.index = input.IndexName;
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  const values = input.ExpressionAttributeValues as Record<string, unknown> | undefined;
  const pk = text(key?.pk) ?? (command === 'Query' && !call.index ? text(values?.[':pk']) : undefined);
  const sk = text(key?.sk);
  if (pk !== undefined) call.pk = pk;
  if (sk !== undefined) call.sk = sk;
  return call;
}
