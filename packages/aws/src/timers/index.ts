export * from './SchedulerTimerService';
export * from './timerMessage';
export * from './createSchedulerTimerService';
