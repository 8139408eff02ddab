import { BulkJobTasks, systemClock } from '@autoflow/engine';
import type { Context } from 'aws-lambda';
import { BulkTasksEnvSchema, loadLambdaConfig } from '../config/LambdaEnv';
import { createDocumentClient } from '../dynamodb/documentClient';
import { DynamoBulkJobStore } from '../dynamodb/DynamoBulkJobStore';
import { DynamoEntityStore } from '../dynamodb/DynamoEntityStore';
import { DynamoExecutionStore } from '../dynamodb/DynamoExecutionStore';
import { DynamoFlowStore } from '../dynamodb/DynamoFlowStore';
import { DynamoAdmissionStore } from '../dynamodb/DynamoAdmissionStore';
import { DynamoGuardStore } from '../dynamodb/DynamoGuardStore';
import { createBulkTasksHandler } from '../handlers/bulkTasksHandler';
import { stepFunctionsBulkJobMachine } from '../stepfunctions/StepFunctionsBulkJobMachine';
import { type EntryOptions, entryLogger, perContainer, withContext } from './lambdaRuntime';

/**
 * Every step of the bulk job state machine (bulkJobDefinition): the state machine invokes this
 * one function with a `task` field naming the step, and gets the step's outcome back. An
 * invalid input fails as `ValidationError` and a step that can never succeed as
 * `NonRetryableError`, which the definition does not retry; anything else is retried from the
 * cursor the step was given. The stores are the ones the embedded stack wires (`createBulk`).
 */
export function createBulkTasksLambda(options: EntryOptions = {}) {
  const container = perContainer(() => {
    const config = loadLambdaConfig(BulkTasksEnvSchema, options.env ?? process.env);
    const logger = entryLogger('bulk-tasks', config.logLevel);
    const db = createDocumentClient();
    const executions = new DynamoExecutionStore(db, config.executionsTable);
    const tasks = new BulkJobTasks({
      jobs: new DynamoBulkJobStore(db, { control: config.controlTable, executions: config.executionsTable }, executions),
      flows: new DynamoFlowStore(db, config.controlTable, systemClock),
      executions,
      entities: new DynamoEntityStore(db, config.entitiesTable, systemClock),
      guards: new DynamoGuardStore(db, config.controlTable),
      admission: new DynamoAdmissionStore(db, config.controlTable),
      // answers the approval step with its task token; never starts an execution
      machine: stepFunctionsBulkJobMachine(),
      clock: systemClock,
      logger,
      batchBudgetMs: config.batchBudgetMs,
    });
    return { logger, handle: createBulkTasksHandler(tasks) };
  });

  return async (event: unknown, context?: Context): Promise<unknown> => {
    const { logger, handle } = await container();
    withContext(logger, context);
    return handle(event);
  };
}

export const handler = createBulkTasksLambda();
