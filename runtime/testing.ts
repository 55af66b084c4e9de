/**
 * Starts a real `nats-server -js` of its own for `evc demo`, the tests and the benchmarks: a free
 * loopback port, a temporary store directory, and stop / kill (SIGKILL) / restart on the same port
 * and store, so that fault tests can take the server away and bring it back. Never touches a server
 * already listening on 4222.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A running local server. */
export interface NatsServer extends AsyncDisposable {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The server's version, e.g. `2.9.10`. */
  readonly version: string;
  /** Stop the server gracefully (SIGTERM) and wait for it to exit. */
  stop(): Promise<void>;
  /** Kill the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Start the server again on the same port with the same store. */
  restart(): Promise<void>;
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
  const version = /v?(\d+\.\d+\.\d+)/.exec(spawnSync(executable, ["--version"], { encoding: "utf8" }).stdout)?.[1] ?? "0.0.0";
  const dir = mkdtempSync(join(tmpdir(), "evc-nats-"));
  let port = -1;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (): Promise<void> => {
    const conf = join(dir, "server.conf");
    writeFileSync(
      conf,
      [
        `listen: "127.0.0.1:${port}"`,
        `server_name: "evc-local-${process.pid}"`,
        `ports_file_dir: "${dir}"`,
        `jetstream { store_dir: "${join(dir, "store")}" }`,
        ...(options.config ?? []),
        "",
      ].join("\n"),
    );
    const started = spawn(executable, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    started.stderr?.on("data", (chunk: Buffer) => (stderr = `${stderr}${chunk.toString()}`.slice(-4000)));
    child = started;
    exited = new Promise((resolve) => started.once("exit", () => resolve()));
    const portsFile = join(dir, `nats-server_${started.pid}.ports`);
    for (let attempt = 0; attempt < 200; attempt++) {
      if (started.exitCode !== null) throw new Error(`nats-server exited with code ${started.exitCode}: ${stderr}`);
      const listening = existsSync(portsFile) ? natsPort(readFileSync(portsFile, "utf8")) : undefined;
      if (listening !== undefined) {
        port = listening;
        if (await accepting(port)) return;
      }
      await sleep(25);
    }
    throw new Error(`nats-server did not start within 5 s: ${stderr}`);
  };

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    if (child === undefined || child.exitCode !== null) return;
    child.kill(signal);
    await exited;
    rmSync(join(dir, `nats-server_${child.pid}.ports`), { force: true });
  };

  await launch();
  return {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    version,
    stop: () => halt("SIGTERM"),
    kill: () => halt("SIGKILL"),
    restart: async () => {
      await halt("SIGTERM");
      await launch();
    },
    [Symbol.asyncDispose]: async () => {
      await halt("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
