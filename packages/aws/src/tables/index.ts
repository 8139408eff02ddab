export * from './TableDefinition';
export * from './createTableInput';
export * from './keys';
