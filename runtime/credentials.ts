/**
 * How the bus logs in, following the `nats` CLI: user and password, a token, a `.creds` file (JWT
 * and nkey seed), an nkey seed file, and a client certificate for TLS; credentials written in a
 * server URL (`nats://user:password@host`, `nats://token@host`) are taken out of it and used. URLs
 * are only ever shown masked, so no secret reaches a message, a log, a metric or a span.
 */
import { readFileSync } from "node:fs";
import { credsAuthenticator, nkeyAuthenticator, type NodeConnectionOptions } from "@nats-io/transport-node";
import { ArgumentError } from "./errors.js";

/** Credentials of a connection; files are named by path and read at connect. */
export interface Credentials {
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly token?: string | undefined;
  /** A `.creds` file: a user JWT and its nkey seed. */
  readonly creds?: string | undefined;
  /** A file holding an nkey seed (`SU…`). */
  readonly nkey?: string | undefined;
  /** Client certificate, its key, and the CA that signed the server's certificate (PEM files); any of them turns TLS on. */
  readonly tlsCert?: string | undefined;
  readonly tlsKey?: string | undefined;
  readonly tlsCa?: string | undefined;
}

/**
 * The server URLs given as a URL, a list of them, or URLs separated by commas (as `NATS_URL` and the
 * `nats` CLI's `--server` take them); throws `ArgumentError` for an empty list or a URL that cannot
 * be read, shown masked.
 */
export function serverList(servers: string | readonly string[]): string[] {
  const list = (typeof servers === "string" ? [servers] : [...servers]).flatMap((entry) => splitAtCommas(String(entry))).filter((entry) => entry !== "");
  if (list.length === 0) throw new ArgumentError("servers", "at least one NATS server URL (nats://host:port), not none");
  for (const server of list) {
    if (parseUrl(server) === undefined) throw new ArgumentError("servers", `NATS server URLs (nats://host:port), but "${maskUrl(server)}" is not one`);
  }
  return list;
}

/**
 * Server URLs with the credentials they held taken out: the connection logs in with them on whichever
 * server it reaches, so URLs that hold different credentials are refused (`ArgumentError`).
 */
export function splitServerCredentials(servers: readonly string[]): { servers: string[]; credentials: Credentials } {
  const found: Credentials[] = [];
  const bare = servers.map((server) => {
    const url = parseUrl(server);
    if (url === undefined || (url.username === "" && url.password === "")) return server;
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    found.push(url.password === "" ? { token: user } : { user, password });
    url.username = "";
    url.password = "";
    return url.toString().replace(/\/$/, "");
  });
  const [credentials = {}, ...others] = found;
  if (others.some((other) => other.user !== credentials.user || other.password !== credentials.password || other.token !== credentials.token)) {
    throw new ArgumentError("servers", "URLs that log in the same way, or credentials given apart from them, but the URLs hold different credentials");
  }
  return { servers: bare, credentials };
}

/** The NATS.js options that log in with these credentials; throws `ArgumentError` naming a file that cannot be read or credentials that do not go together. */
export function credentialOptions(credentials: Credentials): Partial<NodeConnectionOptions> {
  const kinds = [credentials.user !== undefined || credentials.password !== undefined, credentials.token !== undefined, credentials.creds !== undefined, credentials.nkey !== undefined];
  if (kinds.filter(Boolean).length > 1) throw new ArgumentError("credentials", "one way to log in: a user and password, a token, a creds file or an nkey file, not several");
  if ((credentials.user === undefined) !== (credentials.password === undefined)) throw new ArgumentError("credentials", "a user together with a password");
  const options: Partial<NodeConnectionOptions> = {};
  if (credentials.user !== undefined) Object.assign(options, { user: credentials.user, pass: credentials.password });
  if (credentials.token !== undefined) options.token = credentials.token;
  if (credentials.creds !== undefined) options.authenticator = credsAuthenticator(readCredentialFile("creds", credentials.creds));
  if (credentials.nkey !== undefined) options.authenticator = nkeyAuthenticator(new TextEncoder().encode(new TextDecoder().decode(readCredentialFile("nkey", credentials.nkey)).trim()));
  if (credentials.tlsCert !== undefined || credentials.tlsKey !== undefined || credentials.tlsCa !== undefined) {
    if ((credentials.tlsCert === undefined) !== (credentials.tlsKey === undefined)) throw new ArgumentError("tlsCert", "a client certificate together with its key (tlsKey)");
    options.tls = {
      ...(credentials.tlsCert === undefined ? {} : { cert: readCredentialFile("tlsCert", credentials.tlsCert, "utf8") }),
      ...(credentials.tlsKey === undefined ? {} : { key: readCredentialFile("tlsKey", credentials.tlsKey, "utf8") }),
      ...(credentials.tlsCa === undefined ? {} : { ca: readCredentialFile("tlsCa", credentials.tlsCa, "utf8") }),
    };
  }
  return options;
}

/**
 * A URL with its password or token replaced by `***`; in URLs separated by commas, each. Text that
 * cannot be read as a URL has whatever comes before an `@` (after a scheme) replaced, since it may
 * hold a secret all the same.
 */
export function maskUrl(server: string): string {
  const servers = splitAtCommas(server);
  if (servers.length > 1) return servers.map(maskUrl).join(",");
  const url = parseUrl(server);
  if (url === undefined) return server.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?.*@/s, "$1***@");
  if (url.username === "" && url.password === "") return server;
  if (url.password === "") url.username = "***";
  else url.password = "***";
  return url.toString().replace(/\/$/, "");
}

/**
 * URLs separated by commas, each trimmed. A comma may also stand in a password or a token: a piece
 * that holds an `@` but no scheme, after a piece with a scheme and no `@` yet, belongs to that one
 * (`nats://alice:pa,ss@host` is one URL).
 */
function splitAtCommas(text: string): string[] {
  const pieces: string[] = [];
  for (const piece of text.split(",")) {
    const last = pieces.at(-1);
    if (last !== undefined && /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^@/]*$/.test(last) && piece.includes("@") && !piece.includes("://")) pieces[pieces.length - 1] = `${last},${piece}`;
    else pieces.push(piece.trim());
  }
  return pieces.map((piece) => piece.trim());
}

function parseUrl(server: string): URL | undefined {
  try {
    return new URL(server.includes("://") ? server : `nats://${server}`);
  } catch {
    return undefined;
  }
}

function readCredentialFile(argument: string, path: string): Uint8Array;
function readCredentialFile(argument: string, path: string, encoding: "utf8"): string;
function readCredentialFile(argument: string, path: string, encoding?: "utf8"): Uint8Array | string {
  try {
    return encoding === undefined ? readFileSync(path) : readFileSync(path, encoding);
  } catch (error) {
    throw new ArgumentError(argument, `a readable file, but "${path}" cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** The secrets of NATS.js connection options, or of `Credentials`, whose values are shown as `***`. */
const secretKeys = new Set(["pass", "password", "token", "authenticator"]);

/** Options with their secrets (a password, a token, an authenticator) shown as `***`, and server URLs masked; files are named by path, which is shown. */
export function maskedOptions<T extends object>(options: T): T {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => {
      if (secretKeys.has(key) && value !== undefined) return [key, "***"];
      if (key === "servers") return [key, typeof value === "string" ? maskUrl(value) : Array.isArray(value) ? value.map((server) => (typeof server === "string" ? maskUrl(server) : server)) : value];
      return [key, value];
    }),
  ) as T;
}
