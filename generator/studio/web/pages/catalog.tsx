/** The catalog: systems and event types, a version's fields, examples, subject and operations, and two versions compared. */
import { useState } from "preact/hooks";
import type { Catalog, CatalogComparison, CatalogEvent, CatalogVersion } from "../../catalog.js";
import type { FieldRow } from "../../fields.js";
import { href } from "../route.js";
import { TableHead } from "../table-head.js";

/** The catalog page; `route` is what follows `#/catalog/`: a type, then a version or `compare/<from>/<to>`. */
export function CatalogPage({ catalog, route }: { catalog: Catalog; route: string[] }) {
  const [query, setQuery] = useState("");
  const selected = catalog.events.find((event) => event.type === route[0]);
  return (
    <div class="catalog">
      <aside class="types" aria-label="Event types">
        <label for="type-search">Search event types</label>
        <input id="type-search" type="search" value={query} onInput={(event) => setQuery((event.target as HTMLInputElement).value)} />
        {catalog.systems.map((system) => {
          const events = catalog.events.filter((event) => event.system === system.name && event.type.includes(query.trim()));
          if (events.length === 0) return null;
          return (
            <section key={system.name} aria-labelledby={`system-${system.name}`}>
              <h2 id={`system-${system.name}`}>
                {system.title} <small>{system.name}</small>
              </h2>
              <ul>
                {events.map((event) => (
                  <li key={event.type}>
                    <a href={href("catalog", event.type)} aria-current={event === selected ? "page" : undefined}>
                      {event.type}
                    </a>{" "}
                    <small>{event.versions.map((version) => `v${version.version}`).join(" ")}</small>
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </aside>
      <div class="detail">
        {selected === undefined ? <Overview catalog={catalog} /> : <EventDetail catalog={catalog} event={selected} route={route.slice(1)} />}
      </div>
    </div>
  );
}

function Overview({ catalog }: { catalog: Catalog }) {
  const versions = catalog.events.reduce((sum, event) => sum + event.versions.length, 0);
  return (
    <>
      <h1>Catalog of contracts</h1>
      <p>
        {catalog.events.length} event types, {versions} versions, {catalog.systems.length} systems. Choose an event type.
      </p>
      <table>
        <caption>Systems</caption>
        <TableHead columns={["System", "Spec", "Streams"]} />
        <tbody>
          {catalog.systems.map((system) => (
            <tr key={system.name}>
              <td>
                {system.title} {system.version}
              </td>
              <td>
                <code>{system.specFile}</code>
              </td>
              <td>{system.streams.map((stream) => `${stream.name} (${stream.subjects.join(", ")}; dead letters: ${stream.deadLetterStream})`).join("; ") || "none"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function EventDetail({ catalog, event, route }: { catalog: Catalog; event: CatalogEvent; route: string[] }) {
  const latest = event.versions.at(-1) as CatalogVersion;
  const comparing = route[0] === "compare";
  const version = event.versions.find((candidate) => String(candidate.version) === route[0]) ?? latest;
  const from = Number(route[1] ?? event.versions[0]?.version);
  const to = Number(route[2] ?? latest.version);
  const comparison = catalog.comparisons.find((candidate) => candidate.type === event.type && candidate.from === Math.min(from, to) && candidate.to === Math.max(from, to));
  return (
    <>
      <h1>{event.type}</h1>
      <p>
        System <strong>{event.system}</strong>; versions:{" "}
        {event.versions.map((candidate) => (
          <a key={candidate.version} class="version" href={href("catalog", event.type, String(candidate.version))} aria-current={!comparing && candidate === version ? "page" : undefined}>
            v{candidate.version}
          </a>
        ))}
      </p>
      {event.versions.length > 1 && <CompareForm event={event} from={from} to={to} />}
      {comparing ? comparison === undefined ? <p role="alert">Choose two different versions to compare.</p> : <Comparison comparison={comparison} /> : <VersionDetail event={event} version={version} />}
    </>
  );
}

function CompareForm({ event, from, to }: { event: CatalogEvent; from: number; to: number }) {
  const [chosen, setChosen] = useState({ from, to });
  const options = event.versions.map((version) => (
    <option key={version.version} value={version.version}>
      v{version.version}
    </option>
  ));
  return (
    <form
      class="compare"
      onSubmit={(submitted) => {
        submitted.preventDefault();
        location.hash = href("catalog", event.type, "compare", String(chosen.from), String(chosen.to));
      }}
    >
      <label>
        Compare{" "}
        <select aria-label="Older version" value={chosen.from} onChange={(changed) => setChosen({ ...chosen, from: Number((changed.target as HTMLSelectElement).value) })}>
          {options}
        </select>
      </label>{" "}
      <label>
        with{" "}
        <select aria-label="Newer version" value={chosen.to} onChange={(changed) => setChosen({ ...chosen, to: Number((changed.target as HTMLSelectElement).value) })}>
          {options}
        </select>
      </label>{" "}
      <button type="submit">Compare</button>
    </form>
  );
}

function VersionDetail({ event, version }: { event: CatalogEvent; version: CatalogVersion }) {
  return (
    <section aria-labelledby="version-heading">
      <h2 id="version-heading">
        {event.type} v{version.version} <small>{version.className}</small>
      </h2>
      {version.summary !== undefined && <p>{version.summary}</p>}
      {version.description !== undefined && <p>{version.description}</p>}
      <dl class="facts">
        <dt>Subject</dt>
        <dd>
          <code>{version.subject ?? "none"}</code>
        </dd>
        <dt>Stream</dt>
        <dd>{version.stream ?? "none"}</dd>
        <dt>Compatibility</dt>
        <dd>{version.compatibility}</dd>
        <dt>Upcast</dt>
        <dd>{version.upcast}</dd>
        <dt>Declared at</dt>
        <dd>
          <code>{version.declaredAt}</code>
        </dd>
        <dt>Operations</dt>
        <dd>
          {version.operations.length === 0
            ? "none"
            : version.operations.map((operation) => (
                <span key={operation.id} class="operation">
                  {operation.action} <code>{operation.id}</code>
                  {operation.title !== undefined && ` (${operation.title})`}
                  {operation.channel !== undefined && ` on channel ${operation.channel}`}
                </span>
              ))}
        </dd>
      </dl>
      <FieldsTable caption={`Fields of ${event.type} v${version.version}`} rows={version.fields} />
      <h3>Examples</h3>
      {version.examples.length === 0 && <p>None in the spec.</p>}
      {version.examples.map((example, index) => (
        <details key={index}>
          <summary>{example.name ?? `Example ${index + 1}`}</summary>
          <pre>{JSON.stringify(example.payload, null, 2)}</pre>
        </details>
      ))}
    </section>
  );
}

function FieldsTable({ caption, rows }: { caption: string; rows: readonly FieldRow[] }) {
  return (
    <table class="fields">
      <caption>{caption}</caption>
      <TableHead columns={["Field", "Type", "Required", "Description", "Constraints"]} />
      <tbody>
        {rows.map((row) => (
          <tr key={row.name}>
            <th scope="row">
              <code>{row.name}</code>
            </th>
            <td>
              <code>{row.type}</code>
            </td>
            <td>{row.required ? "yes" : "no"}</td>
            <td>{row.description ?? ""}</td>
            <td>{row.constraints.join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Comparison({ comparison }: { comparison: CatalogComparison }) {
  const { added, removed, changed } = comparison.fields;
  const upcast = comparison.to === comparison.from + 1 ? comparison.upcast : undefined;
  return (
    <section aria-labelledby="comparison-heading">
      <h2 id="comparison-heading">
        {comparison.type}: v{comparison.from} compared with v{comparison.to}
      </h2>
      <p class={comparison.compatible ? "verdict ok" : "verdict breaking"}>
        {comparison.compatible
          ? `v${comparison.to} is ${comparison.mode} compatible with v${comparison.from}.`
          : `v${comparison.to} is not ${comparison.mode} compatible with v${comparison.from}: ${comparison.findings.length} breaking change${comparison.findings.length === 1 ? "" : "s"}.`}
      </p>
      {upcast !== undefined && (
        <p>
          Upcast to v{comparison.to}: {upcast}.
        </p>
      )}
      <table>
        <caption>Fields that changed</caption>
        <TableHead columns={["Change", "Field", `v${comparison.from}`, `v${comparison.to}`]} />
        <tbody>
          {[
            ...added.map((row) => ({ change: "added", name: row.name, before: "-", after: fieldText(row) })),
            ...removed.map((row) => ({ change: "removed", name: row.name, before: fieldText(row), after: "-" })),
            ...changed.map(({ name, before, after }) => ({ change: "changed", name, ...changeText(before, after) })),
          ].map((row) => (
            <tr key={`${row.change} ${row.name}`} class={row.change}>
              <td>{row.change}</td>
              <th scope="row">
                <code>{row.name}</code>
              </th>
              <td>{row.before}</td>
              <td>{row.after}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>Breaking changes found by the compatibility checker ({comparison.mode})</caption>
        <TableHead columns={["Rule", "Path", "Breaks", "What changed"]} />
        <tbody>
          {comparison.findings.map((finding) => (
            <tr key={`${finding.rule} ${finding.path}`}>
              <td>
                <code>{finding.rule}</code>
              </td>
              <td>
                <code>{finding.path}</code>
              </td>
              <td>{finding.breaks.join(", ")}</td>
              <td>{finding.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>Every difference, compatible ones included</caption>
        <TableHead columns={["Rule", "Path", "Class"]} />
        <tbody>
          {comparison.differences.map((difference) => (
            <tr key={`${difference.rule} ${difference.path}`}>
              <td>
                <code>{difference.rule}</code>
              </td>
              <td>
                <code>{difference.path}</code>
              </td>
              <td>{difference.class}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** A changed field's two sides; when only its description changed, both say so. */
function changeText(before: FieldRow, after: FieldRow): { before: string; after: string } {
  const [old, now] = [fieldText(before), fieldText(after)];
  return old === now ? { before: `${old}; ${before.description ?? "no description"}`, after: `${now}; ${after.description ?? "no description"}` } : { before: old, after: now };
}

function fieldText(row: FieldRow): string {
  return [row.type, row.required ? "required" : "optional", ...row.constraints].join(", ");
}
