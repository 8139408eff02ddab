import { parseMessageGrouping } from '@autoflow/core';
import { CustomActionTypeSchema, IsoDurationSchema, durationMs, parseWithProblems } from '@autoflow/core';
import { z } from 'zod';
import { type GuardOverrides, LOG_LEVELS, StageSchema } from './LambdaEnv';
import { LambdaConfigError } from './LambdaConfigError';
import { SecretRefSchema } from './SecretRef';

/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const MemorySchema = z.int().min(128).max(10_240);
const RateLimitInputSchema = z.strictObject({ count: z.int().positive(), window: IsoDurationSchema });
const HttpsUrlSchema = z.url({ protocol: /^https$/, error: (issue) => (issue.input === undefined ? undefined : 'must be an https:// URL') });

/**
 * The HTTP API: API Gateway's JWT authorizer checks `issuer` and `audience`, and so does the
 * API function (with the keys at `jwksUrl`), so a token has to satisfy both.
 */
const ApiSettingsSchema = z.strictObject({
  jwt: z.strictObject({
    /** `iss` of the tokens, exactly as the identity provider writes it (its OpenID discovery document is read from here) */
    issuer: HttpsUrlSchema,
    /** `aud` the tokens must carry; API Gateway's JWT authorizer needs one */
    audience: z.string().min(1).max(256),
    /** the issuer's keys; default `<issuer>/.well-known/jwks.json` (Cognito, Auth0) */
    jwksUrl: HttpsUrlSchema.optional(),
  }),
  /** the stage's limits for all callers together (API Gateway answers 429 above them) */
  throttle: z
    .strictObject({
      /** requests per second, on average */
      rateLimit: z.number().positive().max(10_000).default(100),
      /** requests at once */
      burstLimit: z.int().min(1).max(5_000).default(200),
    })
    .prefault({}),
});

/** Runaway protection (DESIGN §4); a flow's own `max_executions` still replaces the rate defaults. */
const LimitsSchema = z.strictObject({
  general: RateLimitInputSchema.optional(),
  entityUpdate: RateLimitInputSchema.optional(),
  systemActivity: RateLimitInputSchema.optional(),
  maxChainDepth: z.int().positive().optional(),
  /** executions of one org running at once */
  orgConcurrency: z.int().positive().optional(),
  lockLease: IsoDurationSchema.optional(),
});

/**
 * A deployment's settings, as the CDK app reads them from its context (`cdk.json` →
 * `context.autoflow`, or `-c autoflow.<path>=<value>`). Every field has a default except the
 * sender address. The Lambda functions never see this object: the app turns it into each
 * function's environment (see `LambdaEnv.ts`).
 */
export const DeploymentConfigSchema = z
  .strictObject({
    /** prefixes every resource name: `autoflow-<stage>-…` */
    stage: StageSchema.default('dev'),
    /** leave both unset for an environment-agnostic synth (no credentials needed) */
    account: z
      .union([z.string(), z.int()])
      // `-c autoflow.account=012345678901` may arrive as a number
      .transform((v) => (typeof v === 'number' ? String(v).padStart(12, '0') : v))
      .pipe(z.string().regex(/^\d{12}$/, { error: 'must be a 12-digit account id' }))
      .optional(),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'must be a region such as eu-central-1' }).optional(),
    /** what happens to tables and the trigger DLQ when the stateful stack is deleted */
    removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
    logLevel: z.enum(LOG_LEVELS).default('INFO'),
    /** the trigger queue's FIFO message groups: `org` (default), `entity` or `bucket:N` (decision 0012) */
    triggerGrouping: z
      .string()
      .refine((v) => parseMessageGrouping(v) !== undefined, { error: 'must be org, entity or bucket:N (N from 1 to 1000)' })
      .default('org'),
    logRetentionDays: z.literal(LOG_RETENTION_DAYS).default(30),
    memoryMb: z
      .strictObject({
        default: MemorySchema.default(256),
        ingress: MemorySchema.optional(),
        listener: MemorySchema.optional(),
        dispatcher: MemorySchema.optional(),
        worker: MemorySchema.optional(),
        entityEvents: MemorySchema.optional(),
        sweeper: MemorySchema.optional(),
        api: MemorySchema.optional(),
      })
      .prefault({}),
    limits: LimitsSchema.prefault({}),
    email: z.strictObject({
      /** default sender of send-email */
      from: z.email(),
      /** the verified SES identity the worker may send as; default: the sender's domain */
      identity: z.string().min(1).optional(),
      configurationSet: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be an SES configuration set name' }).optional(),
    }),
    /** the HTTP API (packages/api) behind API Gateway; without it the API is not deployed */
    api: ApiSettingsSchema.optional(),
    webhooks: z
      .strictObject({
        /** let webhooks reach private, loopback and link-local addresses (keep off in AWS) */
        allowPrivateTargets: z.boolean().default(false),
        /** SSM parameter name/ARN or Secrets Manager ARN; default `/autoflow/<stage>/webhook-signing-secret` */
        signingSecret: z
          .string()
          .refine((value) => SecretRefSchema.safeParse(value).success, { error: 'must be an SSM parameter name or ARN, or a Secrets Manager secret ARN' })
          .optional(),
        timeoutMs: z.int().min(100).max(900_000).optional(),
      })
      .prefault({}),
    /** custom action types, each deployed as a worker from its own entry file (relative to the repository root) */
    customActions: z
      .array(z.strictObject({ type: CustomActionTypeSchema, entry: z.string().regex(/\.(ts|js|mjs)$/, { error: 'must be a .ts or .js file' }) }))
      .default([])
      .refine((actions) => new Set(actions.map((a) => a.type)).size === actions.length, { error: 'must not name a type twice' }),
    /** `source` values the ingress rule accepts on the platform bus; default: every event on it */
    platformEventSources: z.array(z.string().min(1)).min(1).optional(),
    eventSources: z
      .strictObject({
        listenerBatchSize: z.int().min(1).max(10).default(10),
        /** at least 2 when set; unset lets Lambda scale with the message groups */
        listenerMaxConcurrency: z.int().min(2).max(1000).optional(),
        dispatcherBatchSize: z.int().min(1).max(1000).default(100),
        dispatcherRetryAttempts: z.int().min(0).max(10_000).default(10),
        dispatcherParallelization: z.int().min(1).max(10).default(1),
      })
      .prefault({}),
    monitoring: z
      .strictObject({
        /** alarms and the dashboard have a small fixed monthly cost; a dev stage may turn them off */
        enabled: z.boolean().default(true),
        alarmEmail: z.email().optional(),
        iteratorAgeSeconds: z.int().positive().default(60),
        errorRatePercent: z.number().positive().max(100).default(5),
        /** the HTTP API's p95 latency alarm threshold (15 minutes above it) */
        apiLatencyMs: z.int().positive().max(30_000).default(3000),
      })
      .prefault({}),
    /** X-Ray active tracing on every function (charged per trace) */
    tracing: z.boolean().default(false),
  })
  .transform((c) => ({
    ...c,
    email: { ...c.email, identity: c.email.identity ?? c.email.from.slice(c.email.from.lastIndexOf('@') + 1) },
    webhooks: { ...c.webhooks, signingSecret: c.webhooks.signingSecret ?? `/autoflow/${c.stage}/webhook-signing-secret` },
    api: c.api ? { ...c.api, jwt: { ...c.api.jwt, jwksUrl: c.api.jwt.jwksUrl ?? `${c.api.jwt.issuer.replace(/\/+$/, '')}/.well-known/jwks.json` } } : undefined,
    guards: toGuardOverrides(c.limits),
  }));

export type DeploymentConfigInput = z.input<typeof DeploymentConfigSchema>;
export type DeploymentConfig = z.output<typeof DeploymentConfigSchema>;

/** Parses a deployment's settings; every problem at once, with its path. */
export function parseDeploymentConfig(input: unknown): DeploymentConfig {
  const parsed = parseWithProblems(DeploymentConfigSchema, input);
  if (!parsed.ok) throw new LambdaConfigError(parsed.problems.map((p) => ({ path: `autoflow.${p.path}`, message: p.message })), 'deployment settings');
  return parsed.data;
}

function toGuardOverrides(limits: z.output<typeof LimitsSchema>): GuardOverrides {
  const rate = (r: { count: number; window: string } | undefined) => (r ? { count: r.count, windowMs: durationMs(r.window) } : undefined);
  const out: GuardOverrides = {};
  const general = rate(limits.general);
  const entityUpdate = rate(limits.entityUpdate);
  const systemActivity = rate(limits.systemActivity);
  if (general) out.general = general;
  if (entityUpdate) out.entityUpdate = entityUpdate;
  if (systemActivity) out.systemActivity = systemActivity;
  if (limits.maxChainDepth !== undefined) out.maxChainDepth = limits.maxChainDepth;
  if (limits.orgConcurrency !== undefined) out.orgConcurrency = limits.orgConcurrency;
  if (limits.lockLease !== undefined) out.lockLeaseMs = durationMs(limits.lockLease);
  return out;
}
