/** What publishing an event returns. */

/** What the stream said about a published event. */
export interface PublishAck {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly subject: string;
  readonly stream: string;
  /** The event's sequence in the stream. */
  readonly seq: number;
  /** True when the stream already had this event id (in its duplicate window) and stored nothing. */
  readonly duplicate: boolean;
}

/** The outcome of one event of a batch. */
export type PublishResult = { readonly ok: true; readonly ack: PublishAck } | { readonly ok: false; readonly error: Error };
