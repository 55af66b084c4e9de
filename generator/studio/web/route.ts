/** The page's routes live in the URL's hash, so a static catalog works from any folder. */
import { useEffect, useState } from "preact/hooks";

/** The current route: the hash's path segments, decoded (`#/catalog/record-created` is ["catalog", "record-created"]). */
export function useRoute(): string[] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return hash.replace(/^#\/?/, "").split("/").filter((part) => part !== "").map(decodeURIComponent);
}

/** The hash of a route. */
export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join("/")}`;
}
