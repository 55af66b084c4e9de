/** Streams and consumers with their counts, refreshed every 2 s, and the runtime's Prometheus figures of the services the studio was pointed at. */
import type { MetricsSource } from "../../prometheus.js";
import type { StreamView } from "../../studio-data.js";
import { usePolling } from "../polling.js";
import { TableHead } from "../table-head.js";

/** The streams page; `metrics` says whether the studio was given Prometheus endpoints. */
export function StreamsPage({ metrics }: { metrics: boolean }) {
  const streams = usePolling<{ streams: StreamView[] }>("./api/streams", 2000);
  return (
    <div class="streams">
      <h1>Streams and consumers</h1>
      {streams.error !== undefined && <p role="alert">Cannot read the streams: {streams.error}</p>}
      <table>
        <caption>Streams (refreshed every 2 s)</caption>
        <TableHead columns={["Stream", "Holds", "Messages", "Bytes", "Consumers"]} />
        <tbody>
          {streams.data?.streams.map((stream) => (
            <tr key={stream.name}>
              <th scope="row">{stream.name}</th>
              <td>{stream.kind}</td>
              {stream.error === undefined ? (
                <>
                  <td>{stream.messages}</td>
                  <td>{stream.bytes}</td>
                  <td>{stream.consumerCount}</td>
                </>
              ) : (
                <td colSpan={3}>not readable: {stream.error}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>Consumers</caption>
        <TableHead columns={["Stream", "Consumer", "Pending", "Waiting for ack", "Redelivered", "Delivered up to"]} />
        <tbody>
          {streams.data?.streams.flatMap((stream) =>
            stream.consumers.map((consumer) => (
              <tr key={`${stream.name} ${consumer.name}`}>
                <td>{stream.name}</td>
                <th scope="row">
                  {consumer.name}
                  {!consumer.durable && <small> (ephemeral)</small>}
                </th>
                <td>{consumer.pending}</td>
                <td>{consumer.ackPending}</td>
                <td>{consumer.redelivered}</td>
                <td>{consumer.delivered}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      {metrics ? <Metrics /> : <p>No service's Prometheus endpoint was given (<code>evc studio --metrics &lt;url&gt;</code>).</p>}
    </div>
  );
}

function Metrics() {
  const { data, error } = usePolling<{ sources: MetricsSource[] }>("./api/metrics", 2000);
  return (
    <section aria-labelledby="metrics-heading">
      <h2 id="metrics-heading">The runtime's figures</h2>
      {error !== undefined && <p role="alert">{error}</p>}
      {data?.sources.map((source) => (
        <table key={source.url}>
          <caption>
            <code>{source.url}</code>
            {source.error !== undefined && `: not readable (${source.error})`}
          </caption>
          <TableHead columns={["Metric", "Labels", "Value"]} />
          <tbody>
            {source.samples.map((sample, index) => (
              <tr key={index}>
                <th scope="row">
                  <code>{sample.name}</code>
                </th>
                <td>{Object.entries(sample.labels).map(([name, value]) => `${name}=${value}`).join(", ")}</td>
                <td>{sample.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
