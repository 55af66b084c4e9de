/**
 * Starts a real `nats-server -js` of its own for `evc demo`, the tests and the benchmarks: a free
 * loopback port, a temporary store directory, and stop / kill (SIGKILL) / restart on the same port
 * and store, so that fault tests can take the server away and bring it back; and a loopback
 * cluster of such servers (`startNatsCluster`), each node killed and restarted on its own. Never
 * touches a server already listening on 4222.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";

/** A server process that a fault test can take away and bring back. */
export interface LocalServer {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Stop the server gracefully (SIGTERM) and wait for it to exit. */
  stop(): Promise<void>;
  /** Kill the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Start the server again on the same port(s) with the same store. */
  restart(): Promise<void>;
  /**
   * Freeze the server (SIGSTOP) for `ms`, then let it run on (SIGCONT), as a long pause of its host,
   * disk or network would: connections stay open, nothing is answered meanwhile. Returns at once.
   */
  freeze(ms: number): void;
}

/** A running local server. */
export interface NatsServer extends LocalServer, AsyncDisposable {
  /** The server's version, e.g. `2.9.10`. */
  readonly version: string;
}

function binary(): string {
  const found = spawnSync("sh", ["-c", "command -v nats-server"], { encoding: "utf8" }).stdout.trim();
  if (found === "") throw new Error("nats-server not found on PATH: install Debian's nats-server package (./scripts/setup.sh does)");
  return found;
}

/** Options of `startNatsServer`. */
export interface NatsServerOptions {
  /** Further lines of the server's configuration file (authorization, tls, operator, ...). */
  readonly config?: readonly string[];
}

/** Start a JetStream-enabled server on a free loopback port. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const executable = binary();
  const dir = mkdtempSync(join(tmpdir(), "evc-nats-"));
  let port = -1;
  const server = new ServerProcess(executable, dir, () => [`listen: "127.0.0.1:${port}"`, `server_name: "evc-local-${process.pid}"`, ...(options.config ?? [])]);
  port = await server.launch();
  return {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    version: versionOf(executable),
    stop: () => server.halt("SIGTERM"),
    kill: () => server.halt("SIGKILL"),
    restart: async () => {
      await server.halt("SIGTERM");
      port = await server.launch();
    },
    freeze: (ms) => server.freeze(ms),
    [Symbol.asyncDispose]: async () => {
      await server.halt("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One node of a local cluster: a server that can be taken away and brought back on its own. */
export interface NatsClusterNode extends LocalServer {
  /** Its `server_name`, as JetStream names stream and meta leaders. */
  readonly name: string;
}

/** A running local cluster. */
export interface NatsCluster extends AsyncDisposable {
  readonly nodes: readonly NatsClusterNode[];
  /** Every node's client URL, for `servers`. */
  readonly urls: readonly string[];
  readonly version: string;
  /** The node of a `server_name`; throws when the cluster has none of that name. */
  node(name: string): NatsClusterNode;
  /** Resolve once JetStream answers through the first running node (the cluster has a meta leader); throws after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>;
}

/** Options of `startNatsCluster`. */
export interface NatsClusterOptions {
  /** How many nodes; default 3. */
  readonly nodes?: number;
}

/**
 * Start a JetStream cluster on loopback: each node with its own client and route port, store
 * directory and `server_name`, routes to every other node. Resolves once JetStream has a meta
 * leader.
 */
export async function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const executable = binary();
  const count = options.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a cluster needs a whole number of nodes, at least 1, not ${count}`);
  const ports = await freePorts(count * 2);
  const cluster = `evc-cluster-${globalThis.process.pid}`;
  const members = Array.from({ length: count }, (_, index) => {
    const name = `${cluster}-n${index + 1}`;
    const port = ports[index] as number;
    const routes = ports.slice(count).filter((_, other) => other !== index).map((route) => `"nats-route://127.0.0.1:${route}"`);
    const dir = mkdtempSync(join(tmpdir(), "evc-nats-cluster-"));
    const config = [`listen: "127.0.0.1:${port}"`, `server_name: "${name}"`, `cluster { name: "${cluster}", listen: "127.0.0.1:${ports[count + index] as number}", routes: [${routes.join(", ")}] }`];
    return { name, port, dir, process: new ServerProcess(executable, dir, () => config) };
  });
  const nodes: NatsClusterNode[] = members.map(({ name, port, process }) => ({
    name,
    port,
    url: `nats://127.0.0.1:${port}`,
    stop: () => process.halt("SIGTERM"),
    kill: () => process.halt("SIGKILL"),
    restart: async () => {
      await process.halt("SIGTERM");
      await process.launch();
    },
    freeze: (ms) => process.freeze(ms),
  }));
  const running: NatsCluster = {
    nodes,
    urls: nodes.map((node) => node.url),
    version: versionOf(executable),
    node(name) {
      const found = nodes.find((node) => node.name === name);
      if (found === undefined) throw new RangeError(`no node "${name}" in the cluster (${nodes.map((node) => node.name).join(", ")})`);
      return found;
    },
    ready: (timeoutMs = 60_000) => metaLeader(members.filter((member) => member.process.running).map((member) => `nats://127.0.0.1:${member.port}`), timeoutMs),
    [Symbol.asyncDispose]: async () => {
      await Promise.all(members.map((member) => member.process.halt("SIGKILL")));
      for (const member of members) rmSync(member.dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(members.map((member) => member.process.launch()));
    await running.ready();
  } catch (error) {
    await running[Symbol.asyncDispose]();
    throw error;
  }
  return running;
}

/** Wait until JetStream answers an account info request through these servers: only a cluster with a meta leader does. */
async function metaLeader(servers: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  while (performance.now() < deadline) {
    try {
      const nc = await connect({ servers: [...servers], timeout: 2_000 });
      try {
        await (await jetstreamManager(nc, { timeout: 2_000 })).getAccountInfo();
        return;
      } finally {
        await nc.close();
      }
    } catch (error) {
      last = error;
      await sleep(250);
    }
  }
  throw new Error(`the cluster has no JetStream meta leader after ${timeoutMs} ms: ${last instanceof Error ? last.message : String(last)}`);
}

/** Ports free on loopback right now, each taken and released by the kernel. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import("node:net").Server>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as import("node:net").AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function versionOf(executable: string): string {
  return /v?(\d+\.\d+\.\d+)/.exec(spawnSync(executable, ["--version"], { encoding: "utf8" }).stdout)?.[1] ?? "0.0.0";
}

/** One nats-server process over a store directory: launched from its configuration lines, halted, launched again. */
class ServerProcess {
  readonly #executable: string;
  readonly #dir: string;
  readonly #config: () => readonly string[];
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(executable: string, dir: string, config: () => readonly string[]) {
    this.#executable = executable;
    this.#dir = dir;
    this.#config = config;
  }

  /** True while the process runs. */
  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Start the server and resolve with its client port once it accepts connections. */
  async launch(): Promise<number> {
    const conf = join(this.#dir, "server.conf");
    writeFileSync(conf, [...this.#config(), `ports_file_dir: "${this.#dir}"`, `jetstream { store_dir: "${join(this.#dir, "store")}" }`, ""].join("\n"));
    const started = spawn(this.#executable, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    started.stderr?.on("data", (chunk: Buffer) => (stderr = `${stderr}${chunk.toString()}`.slice(-4000)));
    this.#child = started;
    this.#exited = new Promise((resolve) => started.once("exit", () => resolve()));
    const portsFile = join(this.#dir, `nats-server_${started.pid}.ports`);
    for (let attempt = 0; attempt < 400; attempt++) {
      if (started.exitCode !== null) throw new Error(`nats-server exited with code ${started.exitCode}: ${stderr}`);
      const listening = existsSync(portsFile) ? natsPort(readFileSync(portsFile, "utf8")) : undefined;
      if (listening !== undefined && (await accepting(listening))) return listening;
      await sleep(25);
    }
    throw new Error(`nats-server did not start within 10 s: ${stderr}`);
  }

  /** Stop the process (SIGSTOP) and let it run on (SIGCONT) after `ms`; nothing when it is not running. */
  freeze(ms: number): void {
    const child = this.#child;
    if (child === undefined || !this.running) return;
    child.kill("SIGSTOP");
    setTimeout(() => {
      if (this.#child === child && this.running) child.kill("SIGCONT");
    }, ms).unref();
  }

  /** Send a signal and wait for the process to exit; nothing when it is not running. */
  async halt(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await this.#exited;
    rmSync(join(this.#dir, `nats-server_${child.pid}.ports`), { force: true });
  }
}

async function accepting(port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** The client port a ports file names; undefined while the server is still writing it. */
function natsPort(text: string): number | undefined {
  try {
    const ports = JSON.parse(text) as { nats?: string[] };
    const url = ports.nats?.[0];
    return url === undefined ? undefined : Number(new URL(url.replace(/^nats:/, "http:")).port);
  } catch {
    return undefined;
  }
}
