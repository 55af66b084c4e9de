/** Read the runtime's figures off a service's Prometheus endpoint (the text exposition format). */

/** One sample: a metric's name, its labels and its value. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** What one endpoint answered: its samples of the runtime's metrics, or why there are none. */
export interface MetricsSource {
  readonly url: string;
  readonly samples: readonly MetricSample[];
  readonly error: string | undefined;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a text exposition whose names start with `prefix`. */
export function parseSamples(text: string, prefix: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split("\n")) {
    const match = sampleLine.exec(line);
    if (match === null || !(match[1] as string).startsWith(prefix)) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(labelPair)) labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, (_, char: string) => (char === "n" ? "\n" : char));
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Fetch the runtime's samples (`evc_*`, without histogram buckets) from each endpoint; an endpoint that fails carries its error. */
export async function scrapeRuntimeMetrics(urls: readonly string[], prefix = "evc_"): Promise<MetricsSource[]> {
  return Promise.all(
    urls.map(async (url) => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (!response.ok) return { url, samples: [], error: `HTTP ${response.status}` };
        const samples = parseSamples(await response.text(), prefix).filter((sample) => !sample.name.endsWith("_bucket"));
        return { url, samples, error: undefined };
      } catch (error) {
        return { url, samples: [], error: (error as Error).message };
      }
    }),
  );
}
