export * from './emulators';
export * from './pollers';
export * from './bus';
export * from './stack';
export * from './stepfunctions';
export * from './timers';
