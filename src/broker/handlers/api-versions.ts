// ApiVersions: the APIs this broker answers, with the ranges of supported-apis.ts, limited to
// those that have a handler (a client must never be told about an API we would close on).
import { ErrorCode, advertisedApiVersions, defaultApiVersionsResponse, type ApiKey } from '../../protocol/index.js';
import type { Handler, HandlerTable } from '../request-context.js';

export function apiVersionsHandler(handlers: () => HandlerTable): Handler<typeof ApiKey.ApiVersions> {
  return () => {
    const served = handlers();
    const apiKeys = advertisedApiVersions().filter((api) => served[api.apiKey as ApiKey] !== undefined);
    return { ...defaultApiVersionsResponse(), errorCode: ErrorCode.NONE, apiKeys };
  };
}
