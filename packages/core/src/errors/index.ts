export * from './AutomationError';
