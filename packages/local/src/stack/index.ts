export * from './EmbeddedStack';
export * from './ManualClock';
