/** The tests start their servers with the same launcher as `evc demo`. */
export { startNatsServer } from "../../generator/cli/local-nats-server.js";
export type { NatsServer, NatsServerOptions } from "../../generator/cli/local-nats-server.js";
