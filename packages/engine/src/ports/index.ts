export * from './ports';
export * from './TimerService';
export * from './RecentEventStore';
