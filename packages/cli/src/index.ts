export * from './dev';
export * from './devServer';
export * from './loadFlows';
