/**
 * `evc studio` and `evc catalog` in a real browser (Debian's chromium through playwright-core),
 * against a real nats-server: the catalog and a version comparison, an event published with
 * `evc publish` appearing live with its versions, a dead letter replayed from the page and handled,
 * streams with their consumers and the runtime's figures, a burst of 10,000 events, and the static
 * catalog. Each page is photographed into docs/studio/.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { builtAssets, serveFile } from "@evc/cli/studio";
import { launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { useBus } from "../helpers/bus.js";
import { runEvc, startEvc, type EvcProcess } from "../helpers/evc-process.js";
import { until } from "../helpers/until.js";

const fixture = useBus({ reset: false });
const screenshots = "docs/studio";
let browser: TestBrowser;
let studio: EvcProcess;
let studioUrl: string;
let metricsServer: Server;
let page: Page;

/** Serve a folder over HTTP on a free loopback port. */
async function serveFolder(folder: string, extra?: (path: string) => string | undefined): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const body = extra?.(path);
    if (body !== undefined) {
      response.end(body);
      return;
    }
    void serveFile(folder, path, response).then((served) => {
      if (!served) response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

beforeAll(async () => {
  builtAssets();
  let metricsText = "";
  metricsServer = createServer((_request, response) => {
    void fixture.metrics.registry.metrics().then((text) => {
      metricsText = text;
      response.writeHead(200, { "content-type": "text/plain" }).end(metricsText);
    });
  });
  await new Promise<void>((resolve) => metricsServer.listen(0, "127.0.0.1", resolve));
  studio = await startEvc(/evc studio: (http:\S+)/, ["studio", "--port", "0", "--server", fixture.server.url, "--metrics", `${urlOf(metricsServer)}metrics`]);
  studioUrl = studio.match[1] as string;
  browser = await launchBrowser();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.[Symbol.asyncDispose]();
  await studio?.[Symbol.asyncDispose]();
  await new Promise((resolve) => metricsServer?.close(resolve));
});

describe("evc studio in a browser", () => {
  test("the catalog finds record-created, shows its fields, and compares v1 with v2: createdBy added, with the checker's rule id", async () => {
    await page.goto(studioUrl);
    await page.getByLabel("Search event types").fill("record-created");
    await page.getByRole("link", { name: "record-created", exact: true }).click();
    const fields = page.getByRole("table", { name: "Fields of record-created v2" });
    await expect.poll(() => fields.getByRole("row", { name: /data\.createdBy/ }).textContent()).toContain("string");
    expect(await page.getByText("publishTableEvents").count()).toBe(1);
    await page.screenshot({ path: `${screenshots}/catalog.png` });

    await page.getByLabel("Older version").selectOption("1");
    await page.getByLabel("Newer version").selectOption("2");
    await page.getByRole("button", { name: "Compare" }).click();
    const changed = page.getByRole("table", { name: "Fields that changed" });
    const createdBy = changed.getByRole("row", { name: /data\.createdBy/ });
    await expect.poll(() => createdBy.textContent()).toMatch(/^added\s*data\.createdBy\s*-\s*string, required, minLength 1$/);
    const findings = page.getByRole("table", { name: /Breaking changes found by the compatibility checker/ });
    expect(await findings.getByRole("row", { name: /createdBy/ }).textContent()).toContain("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL");
    expect(await page.getByText("v2 is not BACKWARD compatible with v1: 2 breaking changes.").count()).toBe(1);
    await page.screenshot({ path: `${screenshots}/compare.png`, fullPage: true });
  });

  test("an event published with evc publish appears live within seconds, published as v1 and decoded to v2; filters keep others out", async () => {
    await page.goto(`${studioUrl}#/live`);
    await page.getByText(/^Connected/).waitFor();
    await page.getByText("LATECHFORCE: live").waitFor();

    const published = await runEvc("publish", "record-created", "--version", "1", "--aggregate-id", "tbl-studio", "--data", JSON.stringify({ tableId: "tbl-studio", recordId: "r-1", fields: { name: "Ada" } }), "--server", fixture.server.url, "--json");
    expect(published.stderr).toBe("");
    const { id } = JSON.parse(published.stdout) as { id: string };
    const row = page.locator(`tr[data-event-id="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator("td").allTextContents()).toEqual([id, "record-created", "v1", "v2", expect.stringMatching(/^\d{4}-\d\d-\d\dT/), "latechforce.table.tbl-studio"]);
    await row.getByRole("button").click();
    expect(await page.getByRole("region", { name: new RegExp(id) }).locator("pre").textContent()).toContain('"createdBy": "unknown"');
    await page.screenshot({ path: `${screenshots}/live.png` });

    await page.getByLabel("Type or pattern").fill("record-updated");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => page.locator("tbody tr").count()).toBe(0);
    const hidden = await fixture.bus.publish(fixture.bus.create("record-created", { aggregateId: "tbl-studio", data: { tableId: "tbl-studio", recordId: "r-2", fields: {}, createdBy: "ada" } }));
    const shown = await fixture.bus.publish(fixture.bus.create("record-updated", { aggregateId: "tbl-studio", data: { tableId: "tbl-studio", recordId: "r-2", previousFields: {}, currentFields: {}, changedFields: [] } }));
    await page.locator(`tr[data-event-id="${shown.id}"]`).waitFor();
    // Both are on one stream, read in order: the filtered one was read before the shown one.
    expect(await page.locator(`tr[data-event-id="${hidden.id}"]`).count()).toBe(0);
  });

  test("a dead letter is shown with its reason, replayed from the page after a confirmation, and handled", async () => {
    let failing = true;
    const handled: string[] = [];
    const subscription = await fixture.bus.subscribe(
      "record-created",
      (event: { id: string }) => {
        if (failing) throw new Error("the record service is down");
        handled.push(event.id);
      },
      { durable: "studio-records", maxDeliver: 2, backoffMs: [5], deliverPolicy: "new" },
    );
    try {
      const ack = await fixture.bus.publish(fixture.bus.create("record-created", { aggregateId: "tbl-dlq", data: { tableId: "tbl-dlq", recordId: "r-9", fields: {}, createdBy: "ada" } }));
      for await (const notification of subscription.status()) if (notification.type === "dead_lettered") break;
      failing = false;

      await page.goto(`${studioUrl}#/dead-letters`);
      const row = page.getByRole("table", { name: "Dead letters of LATECHFORCE_DLQ, oldest first" }).getByRole("row", { name: new RegExp(ack.id) });
      await row.waitFor();
      expect(await row.textContent()).toContain("Error: the record service is down");
      expect(await row.locator("td").nth(5).textContent()).toBe("2");

      await row.getByRole("button", { name: /^Replay dead letter/ }).click();
      const dialog = page.getByRole("dialog", { name: "Replay 1 dead letter?" });
      await dialog.waitFor();
      await page.screenshot({ path: `${screenshots}/dead-letters.png` });
      await dialog.getByRole("button", { name: "Cancel" }).click();
      expect((await fixture.bus.manager.streams.info("LATECHFORCE_DLQ")).state.messages).toBe(1);
      expect(handled).toEqual([]);

      await row.getByRole("button", { name: /^Replay dead letter/ }).click();
      await dialog.getByRole("button", { name: "Replay", exact: true }).click();
      await page.getByText(/^Replayed LATECHFORCE_DLQ #\d+ as stream sequence \d+\.$/).waitFor();
      await until(() => handled.includes(ack.id), "the replayed event to be handled", 10_000);
      await expect.poll(() => row.count()).toBe(0);
      expect((await fixture.bus.manager.streams.info("LATECHFORCE_DLQ")).state.messages).toBe(0);
    } finally {
      await fixture.bus.unsubscribe(subscription);
    }
  });

  test("streams show their counts and consumers, and the runtime's Prometheus figures of a service", async () => {
    const durable = await fixture.bus.subscribe("record-updated", () => undefined, { durable: "studio-updates" });
    try {
      await page.goto(`${studioUrl}#/streams`);
      const latechforce = page.getByRole("table", { name: /^Streams/ }).getByRole("row", { name: /^LATECHFORCE events/ });
      await latechforce.waitFor();
      const messages = Number(await latechforce.locator("td").nth(1).textContent());
      expect(messages).toBe((await fixture.bus.manager.streams.info("LATECHFORCE")).state.messages);
      await page.getByRole("table", { name: "Consumers" }).getByRole("row", { name: /studio-updates/ }).waitFor();
      const figures = page.getByRole("table", { name: /\/metrics/ });
      const published = figures.getByRole("row", { name: /evc_events_published_total type=record-created, version=2, outcome=stored/ });
      await published.waitFor();
      expect(Number(await published.locator("td").last().textContent())).toBeGreaterThanOrEqual(2);
      await page.screenshot({ path: `${screenshots}/streams.png`, fullPage: true });
    } finally {
      await fixture.bus.unsubscribe(durable);
    }
  });

  test("a burst of 10,000 events: the page keeps answering clicks and shows a bounded list of the latest", async () => {
    await page.goto(`${studioUrl}#/live`);
    await page.getByText(/^Connected/).waitFor();
    const events = Array.from({ length: 10_000 }, (_, index) =>
      fixture.bus.create("record-updated", { aggregateId: "tbl-burst", data: { tableId: "tbl-burst", recordId: `r-${index}`, previousFields: {}, currentFields: { n: index }, changedFields: ["n"] } }),
    );
    const burst = fixture.bus.publishBatch(events);
    const pause = page.getByRole("button", { name: "Pause" });
    await page.locator('[data-testid="received"]').filter({ hasNotText: /^0$/ }).waitFor();
    // While events pour in, the page still answers: pause, see the count of waiting events, resume.
    await pause.click();
    expect(await page.getByRole("button", { name: "Resume" }).getAttribute("aria-pressed")).toBe("true");
    await page.getByText(/paused: \d+ new events waiting/).waitFor();
    await page.getByRole("button", { name: "Resume" }).click();
    expect(await page.getByRole("button", { name: "Pause" }).getAttribute("aria-pressed")).toBe("false");
    const results = await burst;
    expect(results.filter((result) => !result.ok)).toEqual([]);

    const counted = async () => {
      const text = (await page.getByRole("status").textContent()) ?? "";
      const received = Number(/received (\d+) events/.exec(text)?.[1]);
      const dropped = Number(/; (\d+) not shown/.exec(text)?.[1] ?? 0);
      return received + (Number.isNaN(dropped) ? 0 : dropped);
    };
    await expect.poll(counted, { timeout: 60_000 }).toBeGreaterThanOrEqual(10_000);
    expect(await page.locator("tbody tr").count()).toBe(500);
    expect(await page.locator('[data-testid="shown"]').textContent()).toBe("500");
    // The newest is on top: the last event of the burst.
    expect(await page.locator("tbody tr").first().getAttribute("data-event-id")).toBe((events.at(-1) as unknown as { id: string }).id);
    await page.screenshot({ path: `${screenshots}/burst.png` });
  });
});

describe("evc catalog", () => {
  test("writes a static site that shows the catalog with no studio behind it", async () => {
    const out = mkdtempSync(join(tmpdir(), "evc-catalog-"));
    const server = await serveFolder(out);
    try {
      const written = await runEvc("catalog", "--out", out);
      expect(written.stdout).toMatch(/^wrote the catalog of \d+ event types \(\d+ versions, 5 systems\) to /);
      const site = await browser.context.newPage();
      await site.goto(`${urlOf(server)}#/catalog/record-created/compare/1/2`);
      await site.getByRole("table", { name: "Fields that changed" }).getByRole("row", { name: /data\.createdBy/ }).waitFor();
      expect(await site.getByText("static catalog").count()).toBe(1);
      expect(await site.getByRole("link", { name: "Live events" }).count()).toBe(0);
      await site.close();
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(out, { recursive: true, force: true });
    }
  });
});
