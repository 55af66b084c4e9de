/**
 * The lanes of a subscription in aggregate order: the messages it holds, queued by aggregate (by
 * subject, one subject per aggregate, whether live or replayed), each lane in stream order. Whoever queues a
 * message in an idle lane is handed the lane, and drives it from its head until it is empty.
 */

/** What a lane orders its messages by: their sequence in their stream. */
interface Sequenced {
  readonly info: { readonly stream: string; readonly streamSequence: number };
}

/** The messages of one aggregate, in stream order, handled from the head. */
export class AggregateLane<M extends Sequenced> {
  readonly #messages: M[];
  readonly #end: () => void;

  constructor(first: M, end: () => void) {
    this.#messages = [first];
    this.#end = end;
  }

  /** The message to handle now. */
  head(): M | undefined {
    return this.#messages[0];
  }

  /** Drop the head, which is settled; the next message, or undefined when the lane is empty (and ended: a later message starts a new one). */
  next(): M | undefined {
    this.#messages.shift();
    const next = this.#messages[0];
    if (next === undefined) this.#end();
    return next;
  }

  /**
   * Queue a message behind those of its stream with a lower sequence (a message delivered again may
   * come after later ones); messages of another stream (the replay stream) keep the order they came in.
   */
  insert(message: M): void {
    const { stream, streamSequence } = message.info;
    let index = this.#messages.length;
    // The head is being handled: nothing goes before it.
    for (let before = this.#messages[index - 1]; index > 1 && before !== undefined && before.info.stream === stream && before.info.streamSequence > streamSequence; before = this.#messages[index - 1]) index--;
    this.#messages.splice(index, 0, message);
  }
}

/** A subscription's lanes, by aggregate key. */
export class AggregateLanes<M extends Sequenced> {
  readonly #lanes = new Map<string, AggregateLane<M>>();

  /** Queue a message in its aggregate's lane; the lane when it was idle, for the caller to drive, else undefined. */
  queue(key: string, message: M): AggregateLane<M> | undefined {
    const busy = this.#lanes.get(key);
    if (busy !== undefined) {
      busy.insert(message);
      return undefined;
    }
    const lane = new AggregateLane(message, () => this.#lanes.delete(key));
    this.#lanes.set(key, lane);
    return lane;
  }
}
