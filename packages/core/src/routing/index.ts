export * from './routing';
export * from './messageGroup';
