export * from './SqsEventIngress';
