// Upcasters of "codegen.progress", written by hand: `evc generate` created this file and keeps the
// signatures in step with the specs, but never touches a function body.
import type { CodegenProgressV1Json } from "../../generated/kubegram/codegen-progress.v1.js";
import type { CodegenProgressV2Json } from "../../generated/kubegram/codegen-progress.v2.js";

/** Turn a "codegen.progress" v1 event into a v2 one. */
export function upcastCodegenProgressV1ToV2(event: CodegenProgressV1Json): CodegenProgressV2Json {
  const { progress, ...data } = event.data;
  return { ...event, version: 2, data: { ...data, fraction: Math.min(1, Math.max(0, progress / 100)) } };
}
