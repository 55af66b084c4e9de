/** How the runtime takes the JSON of an event instance. */
import type { JsonObject } from "./contract.js";

/**
 * The JSON of an event as `JSON.stringify` takes it: what its `toJSON` method returns, or the event
 * itself when its `toJSON` is no function (an instance of an SDK generated before such a root
 * property was kept off the instance, where it hides the method). The runtime never calls an
 * event's `toJSON` but through this.
 */
export function eventJson(event: object): JsonObject {
  const toJSON = (event as { readonly toJSON?: unknown }).toJSON;
  return (typeof toJSON === "function" ? (toJSON as () => unknown).call(event) : event) as JsonObject;
}
