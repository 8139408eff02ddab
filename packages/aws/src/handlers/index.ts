export * from './listenerHandler';
export * from './dispatcherHandler';
export * from './workerHandler';
export * from './entityEventsHandler';
export * from './streamRecords';
export * from './bulkTasksHandler';
export * from './timerHandler';
