/** The local `nats-server -js` launchers of `@evc/runtime/testing`, which the tests share with the demo and the benchmarks. */
export { startNatsCluster, startNatsServer } from "@evc/runtime/testing";
export type { LocalServer, NatsCluster, NatsClusterNode, NatsClusterOptions, NatsServer, NatsServerOptions } from "@evc/runtime/testing";
