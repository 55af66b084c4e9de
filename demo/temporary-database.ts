/**
 * A PostgreSQL database of its own, for `evc demo` and the tests: created with a unique name on a
 * server (127.0.0.1:5432 as `postgres` unless told otherwise) and dropped, connections and all, when
 * disposed. Messages name the server's host and port, never its credentials.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server used when none is given: the local one, trust authentication. */
export const defaultPostgresUrl = "postgresql://postgres@127.0.0.1:5432/postgres";

/** A database created for one run; `await using` drops it. */
export interface TemporaryDatabase extends AsyncDisposable {
  /** Its name (`evc_demo_1f3a...`). */
  readonly name: string;
  /** A connection string for it (it carries the server's credentials: do not print it). */
  readonly url: string;
}

/** Thrown when the PostgreSQL server cannot be reached or refuses to create a database. */
export class PostgresUnavailableError extends Error {
  constructor(server: URL, detail: string, options?: ErrorOptions) {
    super(`cannot create a database on PostgreSQL at ${server.hostname}:${server.port || "5432"} (start it, or set EVC_POSTGRES_URL; scripts/setup.sh installs and starts one): ${detail}`, options);
    this.name = "PostgresUnavailableError";
  }
}

/** Create a database named `<prefix>_<random>` on the server at `serverUrl` (a connection string to any database of it). */
export async function createTemporaryDatabase(prefix: string, serverUrl: string = defaultPostgresUrl): Promise<TemporaryDatabase> {
  const server = new URL(serverUrl);
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await administer(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    [Symbol.asyncDispose]: () => administer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function administer(server: URL, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.toString() });
  try {
    await client.connect();
    await client.query(statement);
  } catch (error) {
    throw new PostgresUnavailableError(server, (error as Error).message, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}
