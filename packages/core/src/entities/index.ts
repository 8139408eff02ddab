export * from './computeDiff';
