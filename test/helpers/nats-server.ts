/** The local `nats-server -js` launcher of `@evc/runtime/testing`, which the tests share with the demo and the benchmarks. */
export { startNatsServer } from "@evc/runtime/testing";
export type { NatsServer, NatsServerOptions } from "@evc/runtime/testing";
