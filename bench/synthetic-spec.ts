/** A synthetic AsyncAPI 3 document with many event versions, for measuring the generator at scale. */
import { stringify } from "yaml";

/** Build a document with `types` event types of `versions` versions each (version N adds a field, upcast by `default`). */
export function syntheticSpec(types: number, versions: number): string {
  const messages: Record<string, unknown> = {};
  const channelMessages: Record<string, unknown> = {};
  for (let t = 0; t < types; t++) {
    for (let v = 1; v <= versions; v++) {
      const key = `Thing${t}HappenedV${v}`;
      const extra = Object.fromEntries(Array.from({ length: v - 1 }, (_, i) => [`added${i + 2}`, { type: "string", description: `Added in v${i + 2}.` }]));
      messages[key] = {
        name: `thing${t}.happened`,
        title: `Thing ${t} happened`,
        "x-evc": { version: v, ...(v > 1 ? { upcast: [{ default: { path: `/data/added${v}`, value: "unknown" } }] } : {}) },
        payload: {
          type: "object",
          required: ["id", "type", "version", "data"],
          properties: {
            id: { type: "string", format: "uuid" },
            type: { const: `thing${t}.happened` },
            version: { const: v },
            data: {
              type: "object",
              required: ["name", ...Object.keys(extra)],
              properties: {
                name: { type: "string", minLength: 1, description: "What happened." },
                count: { type: "integer", minimum: 0 },
                state: { type: "string", enum: ["new", "done", "failed"] },
                owner: { type: "object", properties: { id: { type: "string" }, tags: { type: "array", items: { type: "string" } } } },
                lines: { type: "array", items: { type: "object", properties: { sku: { type: "string" }, quantity: { type: "integer" } } } },
                ...extra,
              },
            },
          },
        },
      };
      channelMessages[key] = { $ref: `#/components/messages/${key}` };
    }
  }
  return stringify({
    asyncapi: "3.0.0",
    info: { title: "Synthetic", version: "1.0.0" },
    channels: { things: { address: "things.{id}", parameters: { id: {} }, messages: channelMessages } },
    components: { messages },
  });
}
