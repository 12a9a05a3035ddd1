// The handler table: which APIs this broker answers. ApiVersions advertises exactly these.
import { ApiKey } from '../../protocol/index.js';
import type { HandlerTable } from '../request-context.js';
import { apiVersionsHandler } from './api-versions.js';
import { fetchHandler } from './fetch.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { produceHandler } from './produce.js';

export function createHandlerTable(): HandlerTable {
  const table: HandlerTable = {
    [ApiKey.ApiVersions]: apiVersionsHandler(() => table),
    [ApiKey.Metadata]: metadataHandler,
    [ApiKey.Produce]: produceHandler,
    [ApiKey.Fetch]: fetchHandler,
    [ApiKey.ListOffsets]: listOffsetsHandler,
  };
  return table;
}
