export { LocalTimerService, type LocalTimerServiceOptions, type TimerMode, type ClockMove } from './LocalTimerService';
export { TimerHeap, type TimerHeapEntry } from './TimerHeap';
