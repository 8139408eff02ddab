/**
 * Listener matching cost against the number of flows in one org: events/s through the trigger
 * index (what the listener does) versus evaluating every flow of the org (what it avoids).
 */
import { type FlowLike, TriggerIndex, type TriggerEvent, matchFlow } from '@autoflow/core';
import { machine, writeSection } from './writeSection';

const SCHEMAS = 50;

function flowAt(i: number): FlowLike & { id: string } {
  const schema = `schema_${i % SCHEMAS}`;
  return {
    id: `flow-${i}`,
    enabled: true,
    triggers: [
      {
        type: 'entity_operation',
        configuration: {
          schema,
          operations: ['updateEntity'],
          filter_config: {
            operation: {
              payload: { status: [`status_${i % 7}`], amount: [{ numeric: ['>', i % 100] }] },
              diff: { updated: { status: [{ 'anything-but': [`status_${i % 7}`] }] } },
            },
          },
        },
      },
    ],
  };
}

function eventAt(n: number): TriggerEvent {
  return {
    type: 'entity_operation',
    org_id: 'bench',
    operation: 'updateEntity',
    entity: { _id: `e-${n}`, _schema: `schema_${n % SCHEMAS}`, status: `status_${n % 7}`, amount: n % 150 },
    diff: { updated: { status: 'draft' } },
    activity: { type: 'EntityUpdated' },
  };
}

function measure(label: string, run: (event: TriggerEvent) => number, minMs = 1_000): { eventsPerSec: number; matchesPerEvent: number } {
  let events = 0;
  let matches = 0;
  for (let i = 0; i < 200; i++) run(eventAt(i)); // warm-up
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 100; i++) matches += run(eventAt(events++));
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  void label;
  return { eventsPerSec: (events / elapsed) * 1000, matchesPerEvent: matches / events };
}

export async function run(): Promise<void> {
  const rows: string[] = [];
  for (const n of [10, 100, 1_000, 10_000]) {
    const flows = Array.from({ length: n }, (_, i) => flowAt(i));
    const index = new TriggerIndex(flows);
    const indexed = measure(`index ${n}`, (e) => index.match(e).length);
    const scan = measure(`scan ${n}`, (e) => flows.reduce((c, f) => c + (matchFlow(f, e) ? 1 : 0), 0), 500);
    const candidates = index.candidates(eventAt(1)).length;
    rows.push(
      `| ${n.toLocaleString('en-US')} | ${candidates} | ${indexed.matchesPerEvent.toFixed(2)} | ${Math.round(indexed.eventsPerSec).toLocaleString('en-US')} | ${Math.round(scan.eventsPerSec).toLocaleString('en-US')} |`,
    );
    console.log(rows.at(-1));
  }
  await writeSection(
    'matching',
    [
      '## Listener matching against the number of flows in one org',
      '',
      `Measured by \`pnpm bench matching\` on ${machine()}, ${new Date().toISOString().slice(0, 10)}.`,
      `Flows are spread over ${SCHEMAS} entity schemas, each with an \`entity_operation\` trigger whose filter uses`,
      'literal, numeric and anything-but conditions on payload and diff. "Indexed" is what the listener does',
      '(look up candidates by org, trigger type and schema, then evaluate their filters); "scan" evaluates every',
      'flow of the org and is shown for comparison only. Pure matching, in process (no I/O).',
      '',
      '| flows in org | candidates per event | matches per event | indexed events/s | scan events/s |',
      '|---:|---:|---:|---:|---:|',
      ...rows,
    ].join('\n'),
  );
}

