/** Live events: filters, pause and resume, a bounded list of rows, and the payload of the chosen one. */
import { useState } from "preact/hooks";
import type { Catalog } from "../../catalog.js";
import type { LiveFilter } from "../../live-bridge.js";
import type { LiveEvent } from "../../live-event.js";
import { shownLimit, useLiveFeed } from "../live-feed.js";
import { TableHead } from "../table-head.js";

const noFilter: LiveFilter = { type: "", subject: "", aggregateId: "" };

/** The live events page. */
export function LivePage({ catalog }: { catalog: Catalog }) {
  const [draft, setDraft] = useState<LiveFilter>(noFilter);
  const [filter, setFilter] = useState<LiveFilter>(noFilter);
  const [paused, setPaused] = useState(false);
  const [chosen, setChosen] = useState<LiveEvent>();
  const live = useLiveFeed(filter, paused);
  const field = (name: keyof LiveFilter) => ({
    value: draft[name],
    onInput: (event: Event) => setDraft({ ...draft, [name]: (event.target as HTMLInputElement).value }),
  });
  return (
    <div class="live">
      <h1>Live events</h1>
      <form
        class="filters"
        aria-label="Filters"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter(draft);
        }}
      >
        <label>
          Type or pattern <input name="type" list="event-types" placeholder="record-created, task.*" {...field("type")} />
        </label>
        <datalist id="event-types">
          {catalog.events.map((event) => (
            <option key={event.type} value={event.type} />
          ))}
        </datalist>
        <label>
          Subject pattern <input name="subject" placeholder="latechforce.table.*" {...field("subject")} />
        </label>
        <label>
          Aggregate id <input name="aggregateId" {...field("aggregateId")} />
        </label>
        <button type="submit">Apply filters</button>
        <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? "Resume" : "Pause"}
        </button>
      </form>
      <p role="status" class="counts">
        {live.connected ? "Connected" : "Connecting"}; received <span data-testid="received">{live.received}</span> events, showing the latest{" "}
        <span data-testid="shown">{live.events.length}</span> (at most {shownLimit})
        {live.dropped > 0 && `; ${live.dropped} not shown because the page was behind`}
        {paused && `; paused: ${live.waiting} new events waiting`}.
      </p>
      <p class="feeds">
        {live.feeds.map((feed) => (
          <span key={feed.stream} class={feed.state}>
            {feed.stream}: {feed.state === "live" ? "live" : `not readable (${feed.reason ?? "?"})`}
          </span>
        ))}
      </p>
      <div class="split">
        <table class="events">
          <caption>Events, newest first</caption>
          <TableHead columns={["Id", "Type", "Published as", "Decoded to", "Stored at", "Subject"]} />
          <tbody>
            {live.events.map((event) => (
              <tr key={`${event.stream} ${event.seq}`} class={event.error === undefined ? undefined : "failed"} data-event-id={event.id}>
                <td>
                  <button type="button" class="link" aria-label={`Show the payload of ${event.id ?? `${event.stream} #${event.seq}`}`} onClick={() => setChosen(event)}>
                    {event.id ?? `${event.stream} #${event.seq}`}
                  </button>
                </td>
                <td>{event.type ?? "?"}</td>
                <td>{event.publishedAs === undefined ? "?" : `v${event.publishedAs}`}</td>
                <td>{event.decodedTo === undefined ? `not decoded: ${event.error ?? ""}` : `v${event.decodedTo}`}</td>
                <td>{event.storedAt}</td>
                <td>
                  <code>{event.subject}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {chosen !== undefined && (
          <section class="payload" aria-labelledby="payload-heading">
            <h2 id="payload-heading">
              {chosen.type ?? "?"} {chosen.id ?? ""}
            </h2>
            <p>
              {chosen.stream} #{chosen.seq}, published as v{chosen.publishedAs ?? "?"}, decoded to {chosen.decodedTo === undefined ? "nothing" : `v${chosen.decodedTo}`}
            </p>
            {chosen.error !== undefined && <p role="alert">{chosen.error}</p>}
            <pre>{typeof chosen.payload === "string" ? chosen.payload : JSON.stringify(chosen.payload, null, 2)}</pre>
            <button type="button" onClick={() => setChosen(undefined)}>
              Close
            </button>
          </section>
        )}
      </div>
    </div>
  );
}
