/**
 * An AsyncAPI 3 document as JSON text (JSON is YAML): one channel carrying every message, each message
 * (by its `name`) with a payload that points at one of `schemas` (by its name in `components.schemas`),
 * so that several messages can share one payload schema.
 */
export function componentSpec(title: string, payloads: Readonly<Record<string, string>>, schemas: Readonly<Record<string, unknown>>): string {
  const messages = Object.fromEntries(Object.entries(payloads).map(([name, schema], index) => [`M${index}`, { name, payload: { $ref: `#/components/schemas/${schema}` } }]));
  const carried = Object.fromEntries(Object.keys(messages).map((key) => [key, { $ref: `#/components/messages/${key}` }]));
  return JSON.stringify({
    asyncapi: "3.0.0",
    info: { title, version: "1.0.0" },
    channels: { events: { address: "events", messages: carried } },
    components: { schemas, messages },
  });
}
