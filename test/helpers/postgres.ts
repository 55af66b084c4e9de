import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { createTemporaryDatabase, type TemporaryDatabase } from "../../demo/temporary-database.js";

export { createTemporaryDatabase } from "../../demo/temporary-database.js";

/** The database of one test file and a pool on it. */
export interface DatabaseFixture {
  readonly url: string;
  readonly pool: pg.Pool;
}

/**
 * A uniquely named database for one test file on the PostgreSQL of `EVC_POSTGRES_URL` (default:
 * 127.0.0.1:5432 as `postgres`), created before its tests and dropped after them.
 */
export function useDatabase(prefix: string): DatabaseFixture {
  let database: TemporaryDatabase | undefined;
  let pool: pg.Pool | undefined;
  beforeAll(async () => {
    database = await createTemporaryDatabase(prefix, process.env["EVC_POSTGRES_URL"]);
    pool = new pg.Pool({ connectionString: database.url, max: 8 });
  });
  afterAll(async () => {
    await pool?.end();
    await database?.[Symbol.asyncDispose]();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the database fixture is used before its beforeAll hook ran");
    return value;
  };
  return {
    get url() {
      return started(database).url;
    },
    get pool() {
      return started(pool);
    },
  };
}
