export * from './GuardSettings';
export * from './hotFlowChecks';
export * from './lineageVerdict';
