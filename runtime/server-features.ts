/** What the connected nats-server can do, by version; the runtime refuses what it cannot honour. */
import { ContractError } from "./errors.js";
import { patternsOverlap } from "./subject.js";

/** A nats-server version. */
export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly text: string;
}

/** Server features the runtime uses or offers only where the server has them, with the first version that has each. */
export const serverFeatures = {
  /** A consumer with several filter subjects (`filter_subjects`). */
  multipleFilterSubjects: "2.10.0",
  /** `Nats-Expected-Last-Subject-Sequence-Subject`: an expected sequence checked over a subject filter. */
  expectedLastSubjectSequenceSubject: "2.11.0",
  /** Per-message TTL (`Nats-TTL`). */
  messageTtl: "2.11.0",
  /** `term()` with a reason the server records (2.9 ignores the reason and keeps redelivering). */
  termWithReason: "2.10.0",
  /**
   * A redelivery that falls due as a consumer's last pull expires is delivered to the next pull;
   * before, it was lost until the ack wait ran out (nats-server#5305 in 2.10.14, #5338 in 2.10.15).
   */
  redeliveryAtPullExpiry: "2.10.16",
} as const;

/** A feature name of `serverFeatures`. */
export type ServerFeature = keyof typeof serverFeatures;

/** Thrown when code asks for a server feature the connected server is too old to honour. */
export class ServerFeatureError extends ContractError {
  readonly feature: ServerFeature;

  constructor(feature: ServerFeature, server: ServerVersion) {
    super(`nats-server ${server.text} cannot honour "${feature}": it needs ${serverFeatures[feature]} or later`);
    this.name = "ServerFeatureError";
    this.feature = feature;
  }
}

/** Parse `2.9.10` (or `v2.10.0-beta.1`) into numbers. */
export function parseServerVersion(text: string): ServerVersion {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (match === null) return { major: 0, minor: 0, patch: 0, text };
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), text };
}

/** True when the server has a feature. */
export function supports(server: ServerVersion, feature: ServerFeature): boolean {
  const needed = parseServerVersion(serverFeatures[feature]);
  return (
    server.major > needed.major ||
    (server.major === needed.major && (server.minor > needed.minor || (server.minor === needed.minor && server.patch >= needed.patch)))
  );
}

/** Throw a `ServerFeatureError` unless the server has a feature. */
export function requireFeature(server: ServerVersion, feature: ServerFeature): void {
  if (!supports(server, feature)) throw new ServerFeatureError(feature, server);
}

/**
 * True when one consumer can filter on all these subject patterns: one, or several on a server that
 * takes several (`multipleFilterSubjects`) where no two overlap, as the server refuses a consumer
 * whose filters overlap (`a.*.c` and `a.b.*`).
 */
export function oneConsumerTakes(server: ServerVersion, patterns: readonly string[]): boolean {
  if (patterns.length <= 1) return true;
  if (!supports(server, "multipleFilterSubjects")) return false;
  return patterns.every((pattern, index) => patterns.slice(index + 1).every((other) => !patternsOverlap(pattern, other)));
}
