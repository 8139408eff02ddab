export * from './runtime';
export * from './model';
export * from './executions';
export * from './flows';
export * from './ports';
export * from './TimerService';
export * from './RecentEventStore';
export * from '../bulk/ports';
