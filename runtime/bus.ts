/**
 * The event bus: one NATS connection (NATS.js v3), the JetStream topology of the specs provisioned
 * at connect, and the seeds' API over it: `publish`, `subscribe`, `unsubscribe`, `start`, `stop`.
 */
import { randomInt } from "node:crypto";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { connect as natsConnect, type NatsConnection, type NodeConnectionOptions } from "@nats-io/transport-node";
import type { EventInstance } from "./contract.js";
import { checkId } from "./identifiers.js";
import { credentialOptions, maskedOptions, maskUrl, serverList, splitServerCredentials, type Credentials } from "./credentials.js";
import { ContractError } from "./errors.js";
import { AckInbox } from "./ack-inbox.js";
import { deadLetterStreamOf, listDeadLetters, replayDeadLetter, type DeadLetter, type Replayed } from "./dead-letter.js";
import { defaultMaxPayload, publishEvent, publishEvents, publishReady, readyEvent, requireEventObject, type PublishAck, type Publishable, type PublishResult, type ReadyEvent } from "./publish.js";
import { ensureTopology, type ProvisionAction } from "./provision.js";
import type { Registry } from "./registry.js";
import { parseServerVersion, type ServerVersion } from "./server-features.js";
import type { CreateInit } from "./event-types.js";
import { Subscription } from "./subscribe.js";
import type { EventHandler, SubscribeOptions } from "./subscribe-options.js";
import { TypedBus } from "./typed-bus.js";
import { jetStreamMessages, type HeardMessage, type MessageSource } from "./stream-reader.js";
import type { RuntimeMetrics } from "./metrics.js";
import { Telemetry } from "./telemetry.js";
import { requireNumberOptions, withDefaults } from "./argument-checks.js";

/** Options of `connect`; every field but `registry` has a default (`defaultConnectOptions`). */
export interface ConnectOptions<Events = unknown> {
  /** The generated registry; its events type the bus. */
  readonly registry: Registry<Events>;
  /** Server URLs: one, a list, or several separated by commas; credentials in them (`nats://user:password@host`, `nats://token@host`) are used, and never shown. */
  readonly servers: string | readonly string[];
  /** How to log in (user and password, token, creds file, nkey file, client certificate); overrides credentials in the URLs. */
  readonly credentials: Credentials;
  /** The connection's name, as the server shows it. */
  readonly name: string;
  /**
   * The service this process is (letters, digits, `-`, `_`): subscriptions without a `durable` get
   * durable consumers named after it, so that each service has its own and instances of one
   * service share theirs. Without it, every subscription must name its `durable`.
   */
  readonly service: string | undefined;
  /** The CloudEvents `source` of events whose metadata names none; by default the `service`, else "evc". */
  readonly source: string;
  /** Create or update the specs' streams and dead-letter streams at connect. */
  readonly provision: boolean;
  /** How long one publish attempt waits for the stream's ack. */
  readonly publishTimeoutMs: number;
  /** How long a publish keeps retrying (same event id) after timeouts and lost connections. */
  readonly publishRetryMs: number;
  /** Publishes a batch keeps in flight at once. */
  readonly maxInFlight: number;
  /** Further NATS.js connection options (credentials, TLS, ...). */
  readonly connection: Partial<NodeConnectionOptions>;
  /** Where the runtime's metrics go (`createMetrics()` of `@evc/runtime/metrics` for Prometheus); `false`, the default, records none. */
  readonly metrics: RuntimeMetrics | false;
}

/** The defaults: the local server, provisioning on, 1,000 publishes in flight. */
export function defaultConnectOptions(): Omit<ConnectOptions, "registry"> {
  return {
    servers: "nats://127.0.0.1:4222",
    credentials: {},
    name: "evc",
    service: undefined,
    source: "evc",
    provision: true,
    publishTimeoutMs: 5_000,
    publishRetryMs: 60_000,
    maxInFlight: 1_000,
    connection: {},
    metrics: false,
  };
}

/** Thrown when the server cannot serve the bus: no JetStream, or the connection failed. The URLs it names are masked. */
export class ConnectError extends ContractError {
  constructor(servers: readonly string[], detail: string, options?: ErrorOptions) {
    super(`cannot connect to ${servers.map(maskUrl).join(", ")}: ${detail}`, options);
    this.name = "ConnectError";
  }
}

/** Connect to NATS, check the server, provision the topology, and return a started bus. */
export async function connect<Events = unknown>(options: Partial<ConnectOptions<Events>> & { registry: Registry<Events> }): Promise<EventBus<Events>> {
  const settings: ConnectOptions<Events> = withDefaults({ ...defaultConnectOptions(), source: options.service ?? "evc" }, options);
  requireNumberOptions(settings, { publishTimeoutMs: "milliseconds", publishRetryMs: "milliseconds or 0", maxInFlight: "count" });
  if (settings.service !== undefined) checkId("service", settings.service, "consumer-name");
  const given = serverList(settings.servers);
  const { servers, credentials: fromUrl } = splitServerCredentials(given);
  const credentials = hasAny(settings.credentials) ? settings.credentials : fromUrl;
  const login = credentialOptions(credentials);
  let nc: NatsConnection;
  try {
    nc = await connectToFirstLive(servers, { name: settings.name, maxReconnectAttempts: -1, reconnectTimeWait: 250, ...login, ...settings.connection });
  } catch (error) {
    throw new ConnectError(given, connectFailure(error as Error, hasAny(credentials)), { cause: error });
  }
  const server = parseServerVersion(nc.info?.version ?? "0.0.0");
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (error) {
    await nc.close();
    throw new ConnectError(given, jetStreamFailure(error as Error, server), { cause: error });
  }
  const bus = new EventBus(nc, jsm, settings, server);
  if (settings.provision) await bus.provision();
  return bus;
}

/**
 * Connect to a server of the list that answers, the others kept for reconnects. NATS.js tries the
 * next server of its list when the first does not answer, but in doing so drops the last one too (it
 * removes the failed server twice, the second time by index -1): with two servers, a dead first one
 * made the connect fail. So each server is tried first in turn, the list rotated to start with it,
 * from a random one unless `noRandomize` (so that the instances of a service spread over a
 * cluster's servers, as NATS.js's shuffle would); a refusal that is not about reaching the server
 * (a login) ends the tries.
 */
async function connectToFirstLive(servers: readonly string[], options: NodeConnectionOptions): Promise<NatsConnection> {
  // Servers given in the NATS.js options are the caller's own choice, taken as they are.
  if (options.servers !== undefined) return natsConnect(options);
  const start = options.noRandomize === true ? 0 : randomInt(servers.length);
  let failure: unknown;
  for (let tried = 0; tried < servers.length; tried++) {
    const first = (start + tried) % servers.length;
    try {
      return await natsConnect({ ...options, noRandomize: true, servers: [...servers.slice(first), ...servers.slice(0, first)] });
    } catch (error) {
      failure = error;
      if (!isUnreachable(error)) break;
    }
  }
  throw failure;
}

/** Whether a connect failed for want of a server that answers (refused, timed out, not found), rather than a refusal by one. */
function isUnreachable(error: unknown): boolean {
  return error instanceof Error && (error.name === "ConnectionError" || error.name === "TimeoutError" || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|timeout/i.test(error.message));
}

/** True when any credential is set. */
function hasAny(credentials: Credentials): boolean {
  return Object.values(credentials).some((value) => value !== undefined);
}

/** What a failed connect says, with a hint when the server refused the login. */
function connectFailure(error: Error, loggedIn: boolean): string {
  const refused = /authorization violation|authentication/i.test(error.message) || error.name === "AuthorizationError";
  if (!refused) return error.message;
  const how = "pass them as connect's credentials or evc's --user/--password, --token, --creds, --nkey or --tlscert/--tlskey";
  return loggedIn ? `the server refused the credentials (${error.message}); ${how}` : `the server asks for credentials and none were given (${error.message}); ${how}`;
}

/** Why JetStream cannot serve the bus: not enabled, or no answer (a cluster without a meta leader yet). */
function jetStreamFailure(error: Error, server: ServerVersion): string {
  if (error.name === "JetStreamNotEnabled" || /not enabled/i.test(error.message)) return `JetStream is not enabled on nats-server ${server.text} (start it with -js)`;
  return `JetStream on nats-server ${server.text} did not answer (${error.message}): it has no leader yet (a cluster still electing its meta leader, or with too few of its nodes up); retry once the cluster has formed`;
}

export type { CreateOptions } from "./typed-bus.js";

/**
 * Publishes and subscribes to the events of a registry on JetStream. `Events` (the generated
 * `LatestEvents`, from the registry) types `create` and `subscribe`.
 */
export class EventBus<Events = unknown> extends TypedBus<Events, Subscription> {
  /** The NATS connection, for what the bus does not cover. */
  readonly connection: NatsConnection;
  readonly jetstream: JetStreamClient;
  readonly manager: JetStreamManager;
  /** The stored messages of the streams, for reading back (history). */
  readonly messages: MessageSource;
  /** The connected server's version, which decides the features the runtime uses. */
  readonly server: ServerVersion;
  /** The metrics the bus records into, if it was given any. */
  readonly metrics: RuntimeMetrics | undefined;
  /** The spans and metrics the runtime records; for modules built on the bus (the event store). */
  readonly telemetry: Telemetry;
  /** Where the stream's acks of this bus's publishes come back. */
  readonly acks: AckInbox;
  readonly #settings: ConnectOptions<Events>;
  #shownSettings: ConnectOptions<Events> | undefined;

  /** Use `connect`. */
  constructor(nc: NatsConnection, jsm: JetStreamManager, settings: ConnectOptions<Events>, server: ServerVersion) {
    super(settings.registry, settings);
    this.connection = nc;
    this.manager = jsm;
    this.jetstream = jetstream(nc);
    this.messages = jetStreamMessages(this.jetstream, jsm, server);
    this.server = server;
    this.metrics = settings.metrics === false ? undefined : settings.metrics;
    this.telemetry = new Telemetry(this.metrics);
    this.acks = new AckInbox(nc, settings.connection.inboxPrefix);
    this.#settings = settings;
  }

  /** The options the bus was connected with, defaults filled in; secrets (in server URLs, credentials, connection options) shown as `***`. */
  get settings(): Readonly<ConnectOptions<Events>> {
    return (this.#shownSettings ??= {
      ...maskedOptions(this.#settings),
      credentials: maskedOptions(this.#settings.credentials),
      connection: maskedOptions(this.#settings.connection),
    });
  }

  /** Create or update every stream and dead-letter stream of the topology; idempotent. */
  provision(): Promise<Map<string, ProvisionAction>> {
    return ensureTopology(this.manager, this.registry.topology);
  }

  /** The CloudEvents `source` of the events it publishes whose metadata names none. */
  get source(): string {
    return this.#settings.source;
  }

  /** The largest message the server takes (its `max_payload`), headers included. */
  get maxPayload(): number {
    return this.connection.info?.max_payload ?? defaultMaxPayload;
  }

  /** Publish one event and return the stream's ack, retrying through timeouts and reconnects. */
  async publish(event: EventInstance): Promise<PublishAck> {
    requireEventObject(event);
    return publishEvent(this.acks, this.registry, event, this.#settings.source, this.#publishSettings(), this.telemetry);
  }

  /** Publish an event's JSON, whose `type` and `version` name its contract. */
  publishJson(json: object): Promise<PublishAck> {
    return publishEvent(this.acks, this.registry, json as Publishable, this.#settings.source, this.#publishSettings(), this.telemetry);
  }

  /**
   * Ready an event's JSON to publish as `publishJson` would, without sending it: throws what publishing
   * it would (an unknown type or version, an invalid event, one too large). An outbox relay readies a
   * batch before it sends any of it.
   */
  prepareJson(json: object): ReadyEvent {
    return readyEvent(this.registry, json as Publishable, this.#settings.source, this.maxPayload);
  }

  /**
   * Publish an event `prepareJson` readied, with the active trace context: nothing is validated or
   * serialized again. With `retry: false` it is sent once, and a timeout or a lost connection fails
   * it at once: a sender that must keep events in order (an outbox relay) sends the rest again from
   * the first failure itself, where retries of their own would each pick a moment to send.
   */
  publishReady(event: ReadyEvent, options: { readonly retry?: boolean } = {}): Promise<PublishAck> {
    const settings = this.#publishSettings();
    return publishReady(this.acks, this.registry, event, options.retry === false ? { ...settings, retryForMs: 0 } : settings, this.telemetry);
  }

  /** The dead letters of a dead-letter stream (`LATECHFORCE_DLQ`), oldest first, at most `limit` (`listDeadLetters` on the bus's JetStream). */
  async listDeadLetters(deadLetterStream: string, limit = 1_000): Promise<DeadLetter[]> {
    deadLetterStreamOf(this.registry.topology, deadLetterStream);
    return listDeadLetters(this.manager, deadLetterStream, limit);
  }

  /** Deliver a dead letter again to the durable consumer that dead-lettered it, and only to it, under a fresh message id, and remove it (`replayDeadLetter`). */
  replayDeadLetter(deadLetterStream: string, seq: number): Promise<Replayed> {
    return replayDeadLetter(this, deadLetterStream, seq);
  }

  /** Publish many events with a bounded number in flight; one result per event, in order, failures included. */
  publishBatch(events: readonly Publishable[], options: { maxInFlight?: number } = {}): Promise<PublishResult[]> {
    return publishEvents(
      this.acks,
      this.registry,
      events,
      this.#settings.source,
      { ...this.#publishSettings(), maxInFlight: options.maxInFlight ?? this.#settings.maxInFlight },
      this.telemetry,
    );
  }

  /** A subscription on the durable consumers of the streams its types live on. */
  protected open(patterns: readonly string[], handler: EventHandler, options: SubscribeOptions): Subscription {
    return new Subscription(
      {
        js: this.jetstream,
        jsm: this.manager,
        registry: this.registry,
        server: this.server,
        telemetry: this.telemetry,
        flush: () => this.connection.flush(),
        maxPayload: () => this.maxPayload,
        create: (source, init, causedBy) => this.create(source, init as CreateInit<EventInstance>, { causedBy }) as EventInstance,
      },
      patterns,
      handler,
      options,
    );
  }

  /** Hear every message published on a subject filter from now on (a core NATS subscription, not durable), until the returned function is called. */
  listen(filter: string, listener: (message: HeardMessage) => void): () => void {
    const subscription = this.connection.subscribe(filter, {
      callback: (error, message) => {
        if (error === null) listener(message);
      },
    });
    return () => subscription.unsubscribe();
  }

  /** Yield on each reconnect after a lost connection, until the connection closes: `listen` may have missed messages in between. */
  async *reconnects(): AsyncIterable<void> {
    for await (const status of this.connection.status()) if (status.type === "reconnect") yield;
  }

  /**
   * End every subscription, then drain and close the connection. Always ends with the connection
   * closed: a drain needs the server, so while it is out of reach (or a drain has already begun) the
   * connection is closed without one; the messages whose acks could not be sent stay with the
   * server, which delivers them again after their ack wait.
   */
  async close(): Promise<void> {
    try {
      await this.endSubscriptions();
      if (!this.connection.isClosed()) await this.connection.drain();
    } catch {
      if (!this.connection.isClosed()) await this.connection.close();
    }
  }

  #publishSettings() {
    return {
      attemptTimeoutMs: this.#settings.publishTimeoutMs,
      retryForMs: this.#settings.publishRetryMs,
      maxInFlight: this.#settings.maxInFlight,
      maxPayload: this.maxPayload,
    };
  }
}
