import { randomUUID } from "node:crypto";
import * as sdk from "@evc/seeds";

/** `count` new records of one table (latechforce `record-created` v2), each with its own id and record id. */
export function recordsCreated(tableId: string, count: number, createdBy: string): sdk.RecordCreatedV2[] {
  return Array.from(
    { length: count },
    (_, index) =>
      new sdk.RecordCreatedV2({
        id: randomUUID(),
        aggregateId: tableId,
        timestamp: new Date().toISOString(),
        metadata: {},
        data: { tableId, recordId: `r-${index}`, fields: {}, createdBy },
      }),
  );
}
