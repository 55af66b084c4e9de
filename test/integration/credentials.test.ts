import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeAccount, encodeOperator, encodeUser, fmtCreds } from "@nats-io/jwt";
import { createAccount, createOperator, createUser } from "@nats-io/nkeys";
import { afterAll, describe, expect, test } from "vitest";
import { registry } from "@evc/seeds";
import { connect, ConnectError, maskUrl } from "@evc/runtime";
import { evc } from "../helpers/cli.js";
import { startNatsServer, type NatsServer } from "../helpers/nats-server.js";

const dir = mkdtempSync(join(tmpdir(), "evc-credentials-"));
const servers: NatsServer[] = [];
afterAll(async () => {
  for (const server of servers) await server[Symbol.asyncDispose]();
  rmSync(dir, { recursive: true, force: true });
});

async function serverWith(config: string[]): Promise<NatsServer> {
  const server = await startNatsServer({ config });
  servers.push(server);
  return server;
}

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const data = JSON.stringify({ tableId: "tbl-login", recordId: "r-1", fields: {}, createdBy: "u" });

/** Publish one event through `evc` with these flags and environment; returns what it printed. */
async function publishWith(env: Record<string, string>, ...flags: string[]) {
  return evc(env, "publish", "record-created", "--aggregate-id", "tbl-login", "--data", data, ...flags);
}

/** Expect a login to work, and the same without credentials to fail clearly; no secret in any output. */
async function expectLogin(server: NatsServer, secrets: readonly string[], flags: string[], env: Record<string, string>): Promise<void> {
  const withFlags = await publishWith({ NATS_URL: server.url }, ...flags);
  expect(withFlags.stderr).toBe("");
  expect(withFlags).toMatchObject({ code: 0, stdout: expect.stringMatching(/^published record-created v2 /) });
  const withEnv = await publishWith({ NATS_URL: server.url, ...env });
  expect(withEnv).toMatchObject({ code: 0, stderr: "" });
  const without = await publishWith({ NATS_URL: server.url });
  expect(without.code).toBe(2);
  expect(without.stderr).toMatch(/^evc: cannot connect to nats:\/\/127\.0\.0\.1:\d+: the server asks for credentials and none were given /);
  for (const output of [withFlags, withEnv, without]) for (const secret of secrets) expect(`${output.stdout}${output.stderr}`).not.toContain(secret);
}

describe("credentials - connect() and every evc command log in as the nats CLI does", () => {
  test("user and password: flags, NATS_USER/NATS_PASSWORD, and in the URL, which is printed masked when the login fails", async () => {
    const server = await serverWith(['authorization { user: "ada", password: "SuperSecret" }']);
    await expectLogin(server, ["SuperSecret"], ["--user", "ada", "--password", "SuperSecret"], { NATS_USER: "ada", NATS_PASSWORD: "SuperSecret" });
    const inUrl = `nats://ada:SuperSecret@127.0.0.1:${server.port}`;
    expect(await publishWith({ NATS_URL: inUrl })).toMatchObject({ code: 0, stderr: "" });
    const wrong = await publishWith({ NATS_URL: `nats://ada:WrongSecret@127.0.0.1:${server.port}` });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`cannot connect to nats://ada:***@127.0.0.1:${server.port}: the server refused the credentials`);
    expect(wrong.stderr).not.toContain("WrongSecret");
    const error = await connect({ registry, servers: `nats://ada:WrongSecret@127.0.0.1:${server.port}`, provision: false }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ConnectError);
    expect(String((error as Error).message)).not.toContain("WrongSecret");
    const bus = await connect({ registry, servers: server.url, credentials: { user: "ada", password: "SuperSecret" }, provision: false });
    expect(bus.connection.isClosed()).toBe(false);
    await bus.close();
    // What the bus shows of its settings (logged by a service, say) holds no secret, however it was given.
    const given = await connect({ registry, servers: inUrl, connection: { pass: "SuperSecret", token: "TokenSecret" }, provision: false });
    const shown = JSON.stringify(given.settings);
    expect(shown).not.toMatch(/SuperSecret|TokenSecret/);
    expect(given.settings).toMatchObject({ servers: `nats://ada:***@127.0.0.1:${server.port}`, connection: { pass: "***", token: "***" } });
    await given.close();
    const viaCredentials = await connect({ registry, servers: server.url, credentials: { user: "ada", password: "SuperSecret" }, provision: false });
    expect(viaCredentials.settings.credentials).toEqual({ user: "ada", password: "***" });
    await viaCredentials.close();
  });

  test("several servers, separated by commas or listed, are each tried; a URL that cannot be read is refused before connecting, shown masked", async () => {
    const server = await serverWith(['authorization { user: "ada", password: "SuperSecret" }']);
    const live = `nats://ada:SuperSecret@127.0.0.1:${server.port}`;
    const dead = "nats://ada:SuperSecret@127.0.0.1:1";
    for (const servers of [`${live},${dead}`, `${dead}, ${live}`, [dead, live]]) {
      const bus = await connect({ registry, servers, provision: false, connection: { maxReconnectAttempts: 0 } });
      expect(bus.connection.getServer()).toBe(`127.0.0.1:${server.port}`);
      await bus.close();
    }
    expect(await publishWith({ NATS_URL: `${dead},${live}` })).toMatchObject({ code: 0, stderr: "" });
    const unreadable = await publishWith({ NATS_URL: `nats://ada:SuperSecret@127.0.0.1:99999,${dead}` });
    expect(unreadable).toMatchObject({ code: 2, stderr: 'evc: invalid argument "servers": NATS server URLs (nats://host:port), but "nats://***@127.0.0.1:99999" is not one\n' });
    const bothDead = await publishWith({}, "--server", `${dead},nats://ada:SuperSecret@127.0.0.1:2`);
    expect(bothDead.stderr).toContain("cannot connect to nats://ada:***@127.0.0.1:1, nats://ada:***@127.0.0.1:2: ");
    const different = await publishWith({}, "--server", `${live},nats://bob:OtherSecret@127.0.0.1:2`);
    expect(different).toMatchObject({ code: 2, stderr: 'evc: invalid argument "servers": URLs that log in the same way, or credentials given apart from them, but the URLs hold different credentials\n' });
    for (const output of [unreadable, bothDead, different]) for (const secret of ["SuperSecret", "OtherSecret"]) expect(output.stderr).not.toContain(secret);
    expect(maskUrl("nats://ada:SuperSecret@[::1:1")).toBe("nats://***@[::1:1");
    // A comma in a password or a token is part of it, not a second server.
    expect(maskUrl("nats://alice:Super,Secret@127.0.0.1:1")).toBe("nats://alice:***@127.0.0.1:1");
    expect(maskUrl("nats://Tok,enSecret@127.0.0.1:1")).toBe("nats://***@127.0.0.1:1");
    const comma = await connect({ registry, servers: "nats://alice:Super,Secret@127.0.0.1:1", provision: false, connection: { maxReconnectAttempts: 0 } }).catch((error: unknown) => error);
    expect(String((comma as Error).message)).toMatch(/^cannot connect to nats:\/\/alice:\*\*\*@127\.0\.0\.1:1: /);
    expect(maskUrl(`${live},nats://bob:OtherSecret@127.0.0.1:1`)).toBe(`nats://ada:***@127.0.0.1:${server.port},nats://bob:***@127.0.0.1:1`);
  });

  test("token: --token, NATS_TOKEN, and nats://token@host", async () => {
    const server = await serverWith(['authorization { token: "T0kenSecret" }']);
    await expectLogin(server, ["T0kenSecret"], ["--token", "T0kenSecret"], { NATS_TOKEN: "T0kenSecret" });
    expect(await publishWith({ NATS_URL: `nats://T0kenSecret@127.0.0.1:${server.port}` })).toMatchObject({ code: 0, stderr: "" });
  });

  test("nkey: --nkey and NATS_NKEY name a seed file", async () => {
    const user = createUser();
    const seed = new TextDecoder().decode(user.getSeed());
    const server = await serverWith([`authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }`]);
    const path = file("user.nk", `${seed}\n`);
    await expectLogin(server, [seed], ["--nkey", path], { NATS_NKEY: path });
  });

  test("creds: --creds and NATS_CREDS name a user JWT and seed, signed by an operator and account the test makes", async () => {
    const operator = createOperator();
    const account = createAccount();
    const system = createAccount();
    const user = createUser();
    const operatorJwt = await encodeOperator("evc-test", operator, { system_account: system.getPublicKey() });
    const accountJwt = await encodeAccount("app", account, { limits: { conn: -1, subs: -1, payload: -1, data: -1, imports: -1, exports: -1, leaf: -1, wildcards: true, disk_storage: -1, mem_storage: -1, streams: -1, consumer: -1 } }, { signer: operator });
    const systemJwt = await encodeAccount("SYS", system, {}, { signer: operator });
    const userJwt = await encodeUser("ada", user, account);
    const server = await serverWith([
      `operator: "${operatorJwt}"`,
      `system_account: "${system.getPublicKey()}"`,
      "resolver: MEMORY",
      `resolver_preload: { ${account.getPublicKey()}: "${accountJwt}", ${system.getPublicKey()}: "${systemJwt}" }`,
    ]);
    const path = file("user.creds", fmtCreds(userJwt, user));
    await expectLogin(server, [new TextDecoder().decode(user.getSeed())], ["--creds", path], { NATS_CREDS: path });
  });

  test("TLS with a client certificate the test generates: --tlscert/--tlskey/--tlsca and NATS_CERT/NATS_KEY/NATS_CA", async () => {
    const openssl = (...args: string[]) => {
      const run = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
      if (run.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${run.stderr}`);
    };
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=evc-test-ca", "-keyout", "ca.key", "-out", "ca.pem");
    for (const [name, extensions] of [
      ["server", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
      ["client", "extendedKeyUsage=clientAuth"],
    ] as const) {
      openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=evc-test-${name}`, "-keyout", `${name}.key`, "-out", `${name}.csr`);
      file(`${name}.ext`, `${extensions}\n`);
      openssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-extfile", `${name}.ext`, "-out", `${name}.pem`);
    }
    const at = (name: string) => join(dir, name);
    const server = await serverWith([`tls { cert_file: "${at("server.pem")}", key_file: "${at("server.key")}", ca_file: "${at("ca.pem")}", verify: true }`]);
    const flags = ["--tlscert", at("client.pem"), "--tlskey", at("client.key"), "--tlsca", at("ca.pem")];
    const withFlags = await publishWith({ NATS_URL: server.url }, ...flags);
    expect(withFlags).toMatchObject({ code: 0, stderr: "" });
    expect(await publishWith({ NATS_URL: server.url, NATS_CERT: at("client.pem"), NATS_KEY: at("client.key"), NATS_CA: at("ca.pem") })).toMatchObject({ code: 0, stderr: "" });
    const caOnly = await publishWith({ NATS_URL: server.url }, "--tlsca", at("ca.pem"));
    expect(caOnly.code).toBe(2);
    expect(caOnly.stderr).toMatch(/^evc: cannot connect to nats:\/\/127\.0\.0\.1:\d+: /);
    const missing = await publishWith({ NATS_URL: server.url }, "--tlscert", at("nowhere.pem"), "--tlskey", at("client.key"));
    expect(missing.stderr).toContain(`invalid argument "tlsCert": a readable file, but "${at("nowhere.pem")}" cannot be read (ENOENT)`);
  });
});
