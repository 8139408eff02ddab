import { AlternativeMatcher, collectLeaves, expandAlternatives, type PatternField } from './AlternativeMatcher';
import type { FieldKeys, Leaf, NumericRange } from './compileValues';
import type { EventPattern } from './EventPattern';
import { InvalidPatternError } from './InvalidPatternError';
import { isObject, validatePattern } from './validatePattern';

/**
 * An alternative is filed under at most this many key combinations (a field with three values
 * files it three times); fields beyond the bound are left to its verification.
 */
const MAX_FILINGS = 64;

interface Member<Id> {
  readonly id: Id;
  readonly seq: number;
  /** The match call that last found this pattern (a pattern is reported once). */
  matchedAt: number;
}

/** One alternative of one pattern, waiting at the state its keyed fields lead to. */
interface Candidate<Id> {
  readonly member: Member<Id>;
  /** Every field of the alternative: verified when a keyed field's value came out of an array. */
  readonly fields: readonly PatternField[];
  /** Their matcher, built the first time an event needs it. */
  full: AlternativeMatcher | undefined;
  /** The fields the path to this state did not check (none: undefined); enough when no keyed field crossed an array. */
  readonly residual: AlternativeMatcher | undefined;
  readonly keyedSlots: readonly number[];
  checkedAt: number;
}

/** A state of the machine: the candidates complete here, and the fields to look at next. */
class NameState<Id> {
  readonly ends: Candidate<Id>[] = [];
  readonly steps: ValueStep<Id>[] = [];
  visitedAt = 0;

  step(slot: number): ValueStep<Id> {
    let step = this.steps.find((s) => s.slot === slot);
    if (step === undefined) {
      step = new ValueStep<Id>(slot);
      this.steps.push(step);
    }
    return step;
  }
}

/** The transitions on one field: by literal value, string prefix, anything-but list and numeric range. */
class ValueStep<Id> {
  readonly literals = new Map<Leaf, NameState<Id>>();
  prefixes: Map<string, NameState<Id>> | undefined;
  /** The distinct prefix lengths, ascending: an event string is cut at each and looked up. */
  lengths: number[] = [];
  /** Anything-but transitions, taken by every leaf their list does not hold. */
  negations: { readonly key: string; readonly excluded: ReadonlySet<Leaf>; readonly next: NameState<Id> }[] | undefined;
  /** Numeric ranges side by side (flat arrays of numbers), scanned for each number of the event. */
  ranges: { readonly keys: string[]; readonly lows: number[]; readonly highs: number[]; readonly inclusive: number[]; readonly next: NameState<Id>[] } | undefined;

  constructor(readonly slot: number) {}

  literal(value: Leaf): NameState<Id> {
    let next = this.literals.get(value);
    if (next === undefined) {
      next = new NameState<Id>();
      this.literals.set(value, next);
    }
    return next;
  }

  prefix(text: string): NameState<Id> {
    this.prefixes ??= new Map();
    let next = this.prefixes.get(text);
    if (next === undefined) {
      next = new NameState<Id>();
      this.prefixes.set(text, next);
      if (!this.lengths.includes(text.length)) this.lengths = [...this.lengths, text.length].sort((a, b) => a - b);
    }
    return next;
  }

  negation(excluded: readonly Leaf[]): NameState<Id> {
    const set = new Set(excluded);
    // Typed, so that the string "1" and the number 1 make different lists.
    const key = JSON.stringify([...set].map((v) => [typeof v, v]).sort());
    this.negations ??= [];
    let found = this.negations.find((n) => n.key === key);
    if (found === undefined) {
      found = { key, excluded: set, next: new NameState<Id>() };
      this.negations.push(found);
    }
    return found.next;
  }

  range(range: NumericRange): NameState<Id> {
    const key = `${range.lowInclusive ? '[' : '('}${range.low},${range.high}${range.highInclusive ? ']' : ')'}`;
    this.ranges ??= { keys: [], lows: [], highs: [], inclusive: [], next: [] };
    const r = this.ranges;
    let i = r.keys.indexOf(key);
    if (i === -1) {
      i = r.keys.length;
      r.keys.push(key);
      r.lows.push(range.low);
      r.highs.push(range.high);
      r.inclusive.push((range.lowInclusive ? 1 : 0) | (range.highInclusive ? 2 : 0));
      r.next.push(new NameState<Id>());
    }
    return r.next[i]!;
  }
}

const kindOf = (keys: FieldKeys): number => (keys.ranges.length > 0 ? 2 : keys.excluded.length > 0 ? 1 : 0);

/** A path some keyed field reads, with the event's leaves there (read at most once per match). */
interface Slot {
  readonly path: readonly string[];
  leaves: Leaf[];
  crossedArray: boolean;
  readAt: number;
  /** How many alternatives key on this path: popular paths are looked at first, so states are shared. */
  uses: number;
}

/**
 * A set of EventBridge patterns compiled into one matcher, so that matching an event costs what
 * the event touches and the patterns it matches, not the number of patterns (the idea of Event
 * Ruler's state machine). Each alternative of each pattern is filed along a path of states, one
 * step per keyed field (exact literals, plain prefixes, anything-but lists, numeric ranges); an
 * event walks only the steps its own values lead to. The alternatives it reaches are verified
 * with the single-pattern matcher, on the fields their path did not check (or on all of them when
 * a keyed value came out of an array), so the answers are exactly those of `compilePattern`.
 * Other conditions (suffix, wildcard, equals-ignore-case, exists, cidr, IP literals) are left to
 * that verification; an alternative with no keyed field is verified for every event. See README.md.
 */
export class PatternSet<Id> {
  private readonly root = new NameState<Id>();
  private readonly slots: Slot[] = [];
  private readonly slotIds = new Map<string, number>();
  private members = 0;
  private matchCount = 0;

  /** Throws `InvalidPatternError` for the first pattern EventBridge would refuse. */
  constructor(patterns: Iterable<{ readonly id: Id; readonly pattern: EventPattern }> = []) {
    const compiled = [...patterns].map(({ id, pattern }) => this.compile(id, pattern));
    // Count every path first, so that the whole set is filed in one order of popularity.
    for (const { alternatives } of compiled) for (const fields of alternatives) this.count(fields);
    for (const { member, alternatives } of compiled) for (const fields of alternatives) this.file(member, fields);
  }

  /** The number of patterns in the set. */
  get size(): number {
    return this.members;
  }

  /** Adds one pattern; throws `InvalidPatternError` when EventBridge would refuse it. */
  add(id: Id, pattern: EventPattern): void {
    const { member, alternatives } = this.compile(id, pattern);
    for (const fields of alternatives) this.count(fields);
    for (const fields of alternatives) this.file(member, fields);
  }

  /** The ids of the patterns the event matches, in the order the patterns were added. */
  match(event: unknown): Id[] {
    if (!isObject(event)) return [];
    const call = ++this.matchCount;
    const found: Member<Id>[] = [];
    this.visit(this.root, event, call, found);
    // Usually found in order already (one state's candidates are filed in order).
    for (let i = 1; i < found.length; i++) {
      if (found[i - 1]!.seq > found[i]!.seq) {
        found.sort((a, b) => a.seq - b.seq);
        break;
      }
    }
    const ids: Id[] = new Array<Id>(found.length);
    for (let i = 0; i < found.length; i++) ids[i] = found[i]!.id;
    return ids;
  }

  private compile(id: Id, pattern: EventPattern): { member: Member<Id>; alternatives: PatternField[][] } {
    const problems = validatePattern(pattern);
    if (problems.length > 0) throw new InvalidPatternError(problems);
    return { member: { id, seq: this.members++, matchedAt: 0 }, alternatives: expandAlternatives(pattern) };
  }

  private slotOf(field: PatternField): number {
    let slot = this.slotIds.get(field.id);
    if (slot === undefined) {
      slot = this.slots.length;
      this.slots.push({ path: field.path, leaves: [], crossedArray: false, readAt: 0, uses: 0 });
      this.slotIds.set(field.id, slot);
    }
    return slot;
  }

  private count(fields: readonly PatternField[]): void {
    for (const field of fields) if (field.keys !== undefined) this.slots[this.slotOf(field)]!.uses++;
  }

  private file(member: Member<Id>, fields: readonly PatternField[]): void {
    // Exact keys first (one lookup, few states reached), then anything-but lists (usually shared
    // by many patterns, so their states are too), numeric ranges last (each a comparison); within
    // a kind, paths more patterns key on first, so that states are shared as long as possible.
    const keyed = fields
      .filter((f) => f.keys !== undefined)
      .map((field) => ({ field, slot: this.slotOf(field), kind: kindOf(field.keys!) }))
      .sort((a, b) => a.kind - b.kind || this.slots[b.slot]!.uses - this.slots[a.slot]!.uses || a.slot - b.slot);
    // Keep the keyed fields while the filings they multiply into stay few.
    let filings = 1;
    let kept = 0;
    for (const { field } of keyed) {
      const { literals, prefixes, excluded, ranges } = field.keys!;
      const ways = literals.length + prefixes.length + excluded.length + ranges.length;
      if (filings * ways > MAX_FILINGS) break;
      filings *= ways;
      kept++;
    }
    const path = keyed.slice(0, kept);
    const onPath = new Set(path.map((k) => k.field));
    const rest = fields.filter((f) => !onPath.has(f));
    const candidate: Candidate<Id> = {
      member,
      fields,
      full: undefined,
      residual: rest.length > 0 ? AlternativeMatcher.for(rest) : undefined,
      keyedSlots: path.map((k) => k.slot),
      checkedAt: 0,
    };
    const walk = (state: NameState<Id>, i: number): void => {
      if (i === path.length) {
        state.ends.push(candidate);
        return;
      }
      const { field, slot } = path[i]!;
      const step = state.step(slot);
      const keys = field.keys!;
      for (const literal of keys.literals) walk(step.literal(literal), i + 1);
      for (const prefix of keys.prefixes) walk(step.prefix(prefix), i + 1);
      for (const list of keys.excluded) walk(step.negation(list), i + 1);
      for (const range of keys.ranges) walk(step.range(range), i + 1);
    };
    walk(this.root, 0);
  }

  private leavesAt(slotIndex: number, event: Record<string, unknown>, call: number): Slot {
    const slot = this.slots[slotIndex]!;
    if (slot.readAt !== call) {
      slot.readAt = call;
      // A fresh array: truncating the old one is a slow runtime call.
      slot.leaves = [];
      slot.crossedArray = collectLeaves(event, slot.path, 0, slot.leaves);
    }
    return slot;
  }

  private visit(state: NameState<Id>, event: Record<string, unknown>, call: number, found: Member<Id>[]): void {
    if (state.visitedAt === call) return;
    state.visitedAt = call;
    for (const candidate of state.ends) this.verify(candidate, event, call, found);
    for (const step of state.steps) {
      const leaves = this.leavesAt(step.slot, event, call).leaves;
      for (let i = 0; i < leaves.length; i++) {
        const leaf = leaves[i]!;
        const next = step.literals.get(leaf);
        if (next !== undefined) this.visit(next, event, call, found);
        if (step.prefixes !== undefined && typeof leaf === 'string') {
          for (const length of step.lengths) {
            if (length > leaf.length) break;
            const byPrefix = step.prefixes.get(leaf.slice(0, length));
            if (byPrefix !== undefined) this.visit(byPrefix, event, call, found);
          }
        }
        if (step.negations !== undefined) {
          for (const negation of step.negations) if (!negation.excluded.has(leaf)) this.visit(negation.next, event, call, found);
        }
        if (step.ranges !== undefined && typeof leaf === 'number') {
          const { lows, highs, inclusive, next: targets } = step.ranges;
          for (let r = 0; r < lows.length; r++) {
            const low = lows[r]!;
            const high = highs[r]!;
            const flags = inclusive[r]!;
            if ((flags & 1 ? leaf >= low : leaf > low) && (flags & 2 ? leaf <= high : leaf < high)) this.visit(targets[r]!, event, call, found);
          }
        }
      }
    }
  }

  private verify(candidate: Candidate<Id>, event: Record<string, unknown>, call: number, found: Member<Id>[]): void {
    const member = candidate.member;
    if (member.matchedAt === call || candidate.checkedAt === call) return;
    candidate.checkedAt = call;
    // The path here proved that every keyed field has a leaf with one of its keys. Unless such a
    // leaf came out of an array (and so may be one of several, or pin an element the other fields
    // must share), that is all those fields ask, and only the rest needs checking.
    let crossed = false;
    for (const slot of candidate.keyedSlots) if (this.slots[slot]!.crossedArray) crossed = true;
    const matcher = crossed ? (candidate.full ??= AlternativeMatcher.for(candidate.fields)) : candidate.residual;
    if (matcher === undefined || matcher.matches(event)) {
      member.matchedAt = call;
      found.push(member);
    }
  }
}
