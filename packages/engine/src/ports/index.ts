export * from './ports';
export * from './TimerService';
