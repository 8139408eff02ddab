import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

/**
 * Counts consumed capacity per labelled operation (ReturnConsumedCapacity=INDEXES), so the
 * cost of an action can be measured in write request units, GSI writes included.
 */
export class CapacityMeter {
  private readonly writes = new Map<string, number>();
  private readonly reads = new Map<string, number>();
  private readonly calls = new Map<string, number>();

  record(label: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined, kind: 'read' | 'write'): void {
    const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
    const units = list.reduce((sum, c) => sum + (kind === 'write' ? (c.WriteCapacityUnits ?? c.CapacityUnits ?? 0) : (c.ReadCapacityUnits ?? c.CapacityUnits ?? 0)), 0);
    const map = kind === 'write' ? this.writes : this.reads;
    map.set(label, (map.get(label) ?? 0) + units);
    this.calls.set(label, (this.calls.get(label) ?? 0) + 1);
  }

  writeUnits(label?: string): number {
    return label === undefined ? sum(this.writes) : (this.writes.get(label) ?? 0);
  }

  readUnits(label?: string): number {
    return label === undefined ? sum(this.reads) : (this.reads.get(label) ?? 0);
  }

  callCount(label: string): number {
    return this.calls.get(label) ?? 0;
  }

  snapshot(): { writes: Record<string, number>; reads: Record<string, number>; calls: Record<string, number> } {
    return { writes: Object.fromEntries(this.writes), reads: Object.fromEntries(this.reads), calls: Object.fromEntries(this.calls) };
  }

  reset(): void {
    this.writes.clear();
    this.reads.clear();
    this.calls.clear();
  }
}

const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
