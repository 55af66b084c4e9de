/** The studio's shell: a navigation bar and the page the route names. */
import { useEffect, useState } from "preact/hooks";
import type { Catalog } from "../catalog.js";
import { loadCatalog, loadStatus, type StudioStatus } from "./api.js";
import { CatalogPage } from "./pages/catalog.js";
import { DeadLettersPage } from "./pages/dead-letters.js";
import { LivePage } from "./pages/live.js";
import { StreamsPage } from "./pages/streams.js";
import { href, useRoute } from "./route.js";

const pages = [
  { route: "catalog", label: "Catalog", live: false },
  { route: "live", label: "Live events", live: true },
  { route: "dead-letters", label: "Dead letters", live: true },
  { route: "streams", label: "Streams", live: true },
] as const;

/** The app: loads the catalog and the studio's status once, then shows the routed page. */
export function App() {
  const [catalog, setCatalog] = useState<Catalog>();
  const [status, setStatus] = useState<StudioStatus | undefined | "loading">("loading");
  const [error, setError] = useState<string>();
  const route = useRoute();
  useEffect(() => {
    loadCatalog().then(setCatalog, (failure: Error) => setError(failure.message));
    void loadStatus().then(setStatus);
  }, []);
  const studio = status !== "loading" && status !== undefined ? status : undefined;
  const page = pages.find((candidate) => candidate.route === route[0] && (studio !== undefined || !candidate.live))?.route ?? "catalog";
  return (
    <>
      <header class="bar">
        <span class="brand">evc studio</span>
        <nav aria-label="Pages">
          <ul>
            {pages
              .filter((candidate) => studio !== undefined || !candidate.live)
              .map((candidate) => (
                <li key={candidate.route}>
                  <a href={href(candidate.route)} aria-current={candidate.route === page ? "page" : undefined}>
                    {candidate.label}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <span class="server">{studio === undefined ? (status === "loading" ? "" : "static catalog") : `NATS ${studio.server}`}</span>
      </header>
      <main id="main">
        {error !== undefined && <p role="alert">The catalog could not be loaded: {error}</p>}
        {page === "catalog" && catalog !== undefined && <CatalogPage catalog={catalog} route={route.slice(1)} />}
        {page === "live" && catalog !== undefined && <LivePage catalog={catalog} />}
        {page === "dead-letters" && <DeadLettersPage />}
        {page === "streams" && studio !== undefined && <StreamsPage metrics={studio.metrics} />}
      </main>
    </>
  );
}
