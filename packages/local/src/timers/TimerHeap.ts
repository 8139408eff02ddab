/** An entry of the heap: ordered by `at`, then by `name`, so equal times come out in name order. */
export interface TimerHeapEntry {
  name: string;
  at: number;
}

/**
 * A binary min-heap of named entries with removal by name (it keeps each entry's position), so
 * arming, disarming and taking the earliest are all O(log n) and nothing is ever scanned.
 */
export class TimerHeap<E extends TimerHeapEntry> {
  private readonly items: E[] = [];
  private readonly positions = new Map<string, number>();

  get size(): number {
    return this.items.length;
  }

  has(name: string): boolean {
    return this.positions.has(name);
  }

  peek(): E | undefined {
    return this.items[0];
  }

  /** Adds an entry; one with the same name is replaced. */
  push(entry: E): void {
    this.remove(entry.name);
    this.items.push(entry);
    this.positions.set(entry.name, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): E | undefined {
    const first = this.items[0];
    if (first) this.remove(first.name);
    return first;
  }

  remove(name: string): E | undefined {
    const index = this.positions.get(name);
    if (index === undefined) return undefined;
    const entry = this.items[index]!;
    const last = this.items.pop()!;
    this.positions.delete(name);
    if (index < this.items.length) {
      this.items[index] = last;
      this.positions.set(last.name, index);
      this.down(index);
      this.up(index);
    }
    return entry;
  }

  private less(a: E, b: E): boolean {
    return a.at < b.at || (a.at === b.at && a.name < b.name);
  }

  private swap(i: number, j: number): void {
    const a = this.items[i]!;
    const b = this.items[j]!;
    this.items[i] = b;
    this.items[j] = a;
    this.positions.set(b.name, i);
    this.positions.set(a.name, j);
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.items[i]!, this.items[parent]!)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.items.length && this.less(this.items[left]!, this.items[smallest]!)) smallest = left;
      if (right < this.items.length && this.less(this.items[right]!, this.items[smallest]!)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}
