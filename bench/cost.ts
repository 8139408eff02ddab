/**
 * Cost per action on AWS, from a real run on the embedded stack: consumed write and read
 * units counted with ReturnConsumedCapacity, EventBridge entries and worker invocations counted
 * by the stack, priced with AWS's published on-demand prices (us-east-1).
 */
import { EmbeddedStack } from '@autoflow/local';
import { type ExecutionCost, measureExecution } from '../test/support/executionCost';
import { machine, writeSection } from './writeSection';

/** Published us-east-1 prices, USD (DynamoDB on-demand since Nov 2024; EventBridge custom events; Lambda arm64). */
const PRICE = {
  writeUnit: 0.625 / 1e6,
  readUnit: 0.125 / 1e6,
  eventBridgeEntry: 1.0 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondArm: 0.0000133334,
  stepFunctionsTransition: 25 / 1e6,
};
/** Assumed per invocation (not measured here): 256 MB for 50 ms. */
const LAMBDA_GB_SECONDS = 0.25 * 0.05;

export async function run(): Promise<void> {
  const stack = await EmbeddedStack.start({
    meterCapacity: true,
    sweepIntervalMs: 0,
    pollIntervalMs: 10,
    customHandlers: { noop: async () => ({ outputs: { ok: true } }) },
  });
  try {
    const snapshot = 20_000;
    const runs: ExecutionCost[] = [];
    for (const actions of [1, 5, 10]) runs.push(await measureExecution(stack, 'bench-cost', actions, snapshot));
    // Re-read the counters of the two larger runs to get the marginal cost of one action.
    const [, five, ten] = runs as [unknown, (typeof runs)[number], (typeof runs)[number]];
    const sum = (r: Record<string, number>, keys: string[]) => keys.reduce((s, k) => s + (r[k] ?? 0), 0);
    const actionWrites = (r: (typeof runs)[number]) => sum(r.writes, ['writeState', 'writeState.final', 'putResult']);
    const marginalWrites = (actionWrites(ten) - actionWrites(five)) / 5;
    const meterReads = stack.meter!.snapshot().reads;
    void meterReads;
    const marginalEntries = (ten.eventBridgeEntries - five.eventBridgeEntries) / 5;
    const marginalWorkers = (ten.workerInvocations - five.workerInvocations) / 5;
    // Per action the dispatcher runs once (on the result) and the worker once.
    const invocations = 1 + marginalWorkers;
    const perAction = {
      writes: marginalWrites * PRICE.writeUnit,
      eventBridge: marginalEntries * PRICE.eventBridgeEntry,
      lambda: invocations * (PRICE.lambdaRequest + LAMBDA_GB_SECONDS * PRICE.lambdaGbSecondArm),
    };
    const total = perAction.writes + perAction.eventBridge + perAction.lambda;
    const perMillion = (usd: number) => `$${(usd * 1e6).toFixed(2)}`;
    const rows = runs.map(
      (r) =>
        `| ${r.actions} | ${r.writes['create.entity'] ?? 0} | ${sum(r.writes, ['create.flow', 'create.trigger', 'create.state'])} | ${r.writes.writeState ?? 0} | ${r.writes['writeState.final'] ?? 0} | ${r.writes.putResult ?? 0} | ${r.eventBridgeEntries} | ${r.workerInvocations} |`,
    );
    await writeSection(
      'cost',
      [
        '## Cost per action',
        '',
        `Measured by \`pnpm bench cost\` on the embedded stack (${machine()}, ${new Date().toISOString().slice(0, 10)}): executions of`,
        `no-op custom actions over an entity with a ${snapshot / 1000} KB snapshot. Write units are DynamoDB's consumed capacity`,
        '(ReturnConsumedCapacity=INDEXES, so index writes are included) as reported by DynamoDB Local.',
        '',
        '| actions | snapshot WRU | other create WRU | claim WRU | final WRU | result WRU | EventBridge entries | worker invocations |',
        '|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...rows,
        '',
        `Marginal cost of one action (10-action run minus 5-action run, per action): **${marginalWrites.toFixed(2)} WRU**,`,
        `**${marginalEntries.toFixed(2)} EventBridge entries**, **${marginalWorkers.toFixed(2)} worker invocations** (+1 dispatcher invocation).`,
        '',
        '| per million actions (us-east-1 list prices) | USD |',
        '|---|---:|',
        `| DynamoDB writes ($0.625 per million WRU) | ${perMillion(perAction.writes)} |`,
        `| EventBridge entries ($1.00 per million) | ${perMillion(perAction.eventBridge)} |`,
        `| Lambda, ${invocations.toFixed(0)} invocations ($0.20 per million + 256 MB × 50 ms arm64, assumed) | ${perMillion(perAction.lambda)} |`,
        `| **autoflow, per million actions** | **${perMillion(total)}** |`,
        `| Step Functions Standard, one transition per action ($25 per million) | ${perMillion(PRICE.stepFunctionsTransition)} |`,
        '',
        'Not included: per-execution costs (the snapshot items above, the trigger listener), reads (strongly',
        'consistent reads of the execution collection by the dispatcher and the worker), SQS, CloudWatch.',
        'Lambda duration is an assumption until measured on AWS.',
      ].join('\n'),
    );
    console.log(`per action: ${marginalWrites} WRU, ${marginalEntries} entries; ${perMillion(total)} per million actions`);
  } finally {
    await stack.stop();
  }
}
