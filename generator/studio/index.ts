/** `@evc/cli/studio`: the studio's server, catalog and bridge, for embedding it or serving the catalog another way. */
export { assetsFolder, builtAssets } from "./assets.js";
export { buildCatalog, compareVersions } from "./catalog.js";
export type { Catalog, CatalogComparison, CatalogEvent, CatalogFinding, CatalogSystem, CatalogVersion } from "./catalog.js";
export { StudioAssetsError, StudioBindError } from "./errors.js";
export { fieldRows } from "./fields.js";
export type { FieldRow } from "./fields.js";
export type { BridgeMessage, BridgeOptions, LiveFilter } from "./live-bridge.js";
export type { LiveEvent } from "./live-event.js";
export { parseSamples, scrapeRuntimeMetrics } from "./prometheus.js";
export type { MetricSample, MetricsSource } from "./prometheus.js";
export { isLoopback, startStudio } from "./server.js";
export type { Studio, StudioOptions } from "./server.js";
export { serveFile } from "./static-files.js";
export type { ConsumerView, DeadLetterStreamView, DeadLetterView, ReplayOutcome, StreamView } from "./studio-data.js";
