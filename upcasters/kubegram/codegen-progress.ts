// Upcasters of "codegen.progress", written by hand: `evc generate` created this file and keeps the
// signatures in step with the specs, but never touches a function body.
import type { CodegenProgressV1Json } from "../../generated/kubegram/codegen-progress.v1.js";
import type { CodegenProgressV2Json } from "../../generated/kubegram/codegen-progress.v2.js";

/** Turn a "codegen.progress" v1 event into a v2 one. */
export function upcastCodegenProgressV1ToV2(event: CodegenProgressV1Json): CodegenProgressV2Json {
  const { progress, ...data } = event.data;
  return { ...event, version: 2, data: { ...data, fraction: Math.min(1, Math.max(0, progress / 100)) } };
}

/** Turn a "codegen.progress" v2 event into the shape of v1, for consumers still on v1 (the fields v1 does not declare are dropped after it). */
export function downcastCodegenProgressV2ToV1(event: CodegenProgressV2Json): CodegenProgressV1Json {
  const { fraction, ...data } = event.data;
  // Rounded to a millionth of a percent, so that a fraction such as 0.29 reads as 29, not 28.999999999999996.
  return { ...event, version: 1, data: { ...data, progress: Math.round(fraction * 100_000_000) / 1_000_000 } };
}
