export * from './BulkJob';
export * from './BulkJobService';
export * from './BulkJobTasks';
export * from './bulkEntry';
