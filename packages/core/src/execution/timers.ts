import { type ExecutionState, type TimerKind, isFinal } from './ExecutionState';

/**
 * A timer as the state machine sees it: one per `scheduled` slot. It is derived from the state
 * (never stored beside it), so arming and disarming follow from comparing two states.
 */
export interface TimerSpec {
  index: number;
  /** the fencing token: the seq of the state write that armed it (the slot's `ts`) */
  seq: number;
  due_at: number;
  kind: TimerKind;
}

/** The timers a state needs: one per scheduled slot that carries a fencing token. */
export function timersOf(state: ExecutionState): TimerSpec[] {
  if (isFinal(state.status)) return [];
  const out: TimerSpec[] = [];
  state.acts.forEach((slot, index) => {
    if (slot.s !== 'scheduled' || slot.ts === undefined || slot.k === undefined) return;
    const due = slot.k === 'retry' ? slot.ra : slot.sa;
    if (due === undefined) return;
    out.push({ index, seq: slot.ts, due_at: due, kind: slot.k });
  });
  return out;
}

const keyOf = (t: TimerSpec): string => `${t.index}.${t.seq}`;

/**
 * Which timers to arm and which to disarm when `prev` is replaced by `next`. Disarming is an
 * optimisation only: a timer that fires after its slot moved on finds another `ts` and does nothing.
 */
export function timerChanges(prev: ExecutionState | undefined, next: ExecutionState): { arm: TimerSpec[]; disarm: TimerSpec[] } {
  const before = new Map((prev ? timersOf(prev) : []).map((t) => [keyOf(t), t]));
  const after = new Map(timersOf(next).map((t) => [keyOf(t), t]));
  return {
    arm: [...after].filter(([k]) => !before.has(k)).map(([, t]) => t),
    disarm: [...before].filter(([k]) => !after.has(k)).map(([, t]) => t),
  };
}
