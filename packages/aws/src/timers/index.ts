export * from './SchedulerTimerService';
export * from './timerMessage';
