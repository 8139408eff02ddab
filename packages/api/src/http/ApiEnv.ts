import type { ApiCaller } from '@autoflow/engine';

/** What the middleware puts on a request's context. */
export interface ApiEnv {
  Variables: {
    /** set by bearerAuth on every authenticated route */
    caller: ApiCaller;
    requestId: string;
  };
}
