/** Read a JSON document now and every `everyMs` while the page shows it. */
import { useCallback, useEffect, useState } from "preact/hooks";
import { getJson } from "./api.js";

/** The latest answer, the latest error, and a function to read again at once. */
export function usePolling<T>(path: string, everyMs: number): { data: T | undefined; error: string | undefined; refresh: () => Promise<void> } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const refresh = useCallback(async () => {
    try {
      setData(await getJson<T>(path));
      setError(undefined);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }, [path]);
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), everyMs);
    return () => clearInterval(timer);
  }, [refresh, everyMs]);
  return { data, error, refresh };
}
