#!/usr/bin/env node
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { buildAutoflowApp } from '../src/AutoflowApp';
import { contextFromArgs, problemsOf } from '../src/cli';

// Under the CDK CLI, cdk.json and -c reach the app through CDK_CONTEXT_JSON; run directly
// (`pnpm synth`), the app reads cdk.json itself and takes `-c key=value` arguments.
const cli = process.env.CDK_CONTEXT_JSON !== undefined;
const context = cli
  ? undefined
  : { ...(JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: object }).context, ...contextFromArgs(process.argv.slice(2)) };
const outdir = process.env.CDK_OUTDIR ?? path.join(__dirname, '..', 'cdk.out');
// The CLI manages its output directory; run directly, start from an empty one so that no
// template of another stage is left beside the new ones.
if (!cli && process.env.CDK_OUTDIR === undefined) rmSync(outdir, { recursive: true, force: true });
const { app } = buildAutoflowApp({ ...(context ? { context } : {}), outdir });
const assembly = app.synth();

const problems = problemsOf(assembly);
for (const p of problems) console.error(`${p.level.toUpperCase()} ${p.path}: ${p.message}`);
if (!cli) console.log(`synthesized ${assembly.stacks.map((s) => s.stackName).join(', ')} into ${path.relative(process.cwd(), assembly.directory) || '.'}`);
if (problems.some((p) => p.level === 'error')) process.exit(1);
