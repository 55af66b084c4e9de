/**
 * What a handler learns about the message it handles, read from the message only when asked (the
 * header block is decoded on first use), and how it builds the events its handling causes.
 */
import type { MsgHdrs } from "@nats-io/transport-node";
import type { EventInstance } from "./contract.js";
import type { CreateInit, EventOf, EventSource } from "./event-types.js";
import type { HandlerDeadline } from "./handler-deadline.js";

/** What the runtime reads of a delivered message: a JetStream `JsMsg`, or a message of the in-memory bus. */
export interface DeliveredMessage {
  readonly subject: string;
  readonly headers: MsgHdrs | undefined;
  readonly data: Uint8Array;
  readonly info: { readonly stream: string; readonly streamSequence: number; readonly deliveryCount: number };
}

/** The context of one delivery, handed to the handler beside the event. */
export interface HandlerContext {
  /** The subject the event was published on (for a replayed dead letter, its original subject). */
  readonly subject: string;
  /** The stream and sequence of the message delivered (for a replayed dead letter, its replay stream's). */
  readonly stream: string;
  readonly streamSeq: number;
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  /** The version the producer wrote, before upcasting. */
  readonly receivedVersion: number;
  readonly headers: MsgHdrs | undefined;
  /** Aborted when the handler runs past its subscription's `handlerTimeoutMs`: the delivery has failed by then, so stop the work. */
  readonly signal: AbortSignal;
  /**
   * Build an event caused by the one being handled: its correlation id is carried over (the
   * handled event's own id when it has none) and its causation id is the handled event's id.
   */
  create<S extends EventSource>(source: S, init: CreateInit<EventOf<S>>): EventOf<S>;
}

/** The bus's `create` for an event caused by another. */
export type CreateCaused = (source: EventSource, init: object, causedBy: EventInstance) => EventInstance;

/** The `HandlerContext` of a delivered message. */
export class DeliveryContext implements HandlerContext {
  readonly receivedVersion: number;
  readonly subject: string;
  readonly #message: DeliveredMessage;
  readonly #event: EventInstance;
  readonly #create: CreateCaused;
  readonly #deadline: HandlerDeadline;

  /** `subject` is the one the event was published on (a replayed dead letter's original subject). */
  constructor(message: DeliveredMessage, subject: string, receivedVersion: number, event: EventInstance, create: CreateCaused, deadline: HandlerDeadline) {
    this.#message = message;
    this.#deadline = deadline;
    this.subject = subject;
    this.receivedVersion = receivedVersion;
    this.#event = event;
    this.#create = create;
  }

  get stream(): string {
    return this.#message.info.stream;
  }

  get streamSeq(): number {
    return this.#message.info.streamSequence;
  }

  get deliveryCount(): number {
    return this.#message.info.deliveryCount;
  }

  get headers(): MsgHdrs | undefined {
    return this.#message.headers;
  }

  get signal(): AbortSignal {
    return this.#deadline.signal;
  }

  create<S extends EventSource>(source: S, init: CreateInit<EventOf<S>>): EventOf<S> {
    return this.#create(source, init, this.#event) as EventOf<S>;
  }
}
