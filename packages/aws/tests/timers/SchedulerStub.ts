import { randomUUID } from 'node:crypto';
import type { CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import { HttpStub, type Reply, type StubRequest } from '../lambda/support/httpStub';

/** A schedule as the stub holds it: the CreateSchedule request body, with its group and name. */
export type StoredSchedule = Omit<CreateScheduleCommandInput, 'Name' | 'GroupName'> & { Name: string; GroupName: string };

type Operation = 'CreateSchedule' | 'DeleteSchedule';

/**
 * EventBridge Scheduler cannot run here, so this answers CreateSchedule and DeleteSchedule on the
 * wire (REST-JSON, as the real SchedulerClient sends them, pointed here with
 * AWS_ENDPOINT_URL_SCHEDULER or `endpoint`) and keeps the schedules by group and name: creating
 * one that exists is a ConflictException, deleting one that does not a ResourceNotFoundException,
 * as the service answers. `failNext` makes the next call of an operation fail with a service error.
 */
export class SchedulerStub {
  readonly schedules = new Map<string, StoredSchedule>();
  /** every call, in order */
  readonly calls: Array<{ operation: Operation; group: string; name: string }> = [];
  private readonly failures: Array<{ operation: Operation; errorType: string; status: number }> = [];

  private constructor(private readonly http: HttpStub) {}

  static async start(): Promise<SchedulerStub> {
    let self: SchedulerStub | undefined;
    const http = await HttpStub.start((request) => self!.answer(request));
    self = new SchedulerStub(http);
    return self;
  }

  get url(): string {
    return this.http.url;
  }

  /** The schedules of one group, by name. */
  inGroup(group: string): StoredSchedule[] {
    return [...this.schedules.values()].filter((s) => s.GroupName === group);
  }

  failNext(operation: Operation, errorType: string, status: number): void {
    this.failures.push({ operation, errorType, status });
  }

  clear(): void {
    this.schedules.clear();
    this.calls.length = 0;
    this.failures.length = 0;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  private answer(request: StubRequest): Reply {
    const url = new URL(request.url, 'http://stub');
    const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    const operation: Operation | undefined = match ? (request.method === 'POST' ? 'CreateSchedule' : request.method === 'DELETE' ? 'DeleteSchedule' : undefined) : undefined;
    if (!match || !operation) return error(400, 'ValidationException', `unsupported: ${request.method} ${url.pathname}`);
    const name = decodeURIComponent(match[1]!);
    const body: Omit<CreateScheduleCommandInput, 'Name'> | undefined = request.body ? JSON.parse(request.body) : undefined;
    const group = operation === 'CreateSchedule' ? (body?.GroupName ?? 'default') : (url.searchParams.get('groupName') ?? 'default');
    this.calls.push({ operation, group, name });

    const failure = this.failures.findIndex((f) => f.operation === operation);
    if (failure >= 0) {
      const [f] = this.failures.splice(failure, 1);
      return error(f!.status, f!.errorType, `injected ${f!.errorType}`);
    }
    const key = `${group}/${name}`;
    if (operation === 'CreateSchedule') {
      if (this.schedules.has(key)) return error(409, 'ConflictException', `Schedule ${name} already exists.`);
      this.schedules.set(key, { ...body, GroupName: group, Name: name } as StoredSchedule);
      return ok({ ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/${name}` });
    }
    if (!this.schedules.delete(key)) return error(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return ok({});
  }
}

const ok = (body: unknown): Reply => ({ status: 200, headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() }, body: JSON.stringify(body) });

const error = (status: number, type: string, message: string): Reply => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': randomUUID() },
  body: JSON.stringify({ Message: message }),
});
