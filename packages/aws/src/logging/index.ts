export * from './powertoolsLogger';
