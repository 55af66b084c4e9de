/**
 * The messages between `WorkerSdkEmitter` and its worker (`emit-worker.ts`): the events as read may go
 * in first, to render their models while the rules check them, then the model, its layout and the
 * working folder (plain data, structured-cloned); either the emitted files or what emitting threw
 * comes back. An error crosses as its class name, message and stack, and is rebuilt on
 * the other side as the same class where it is a standard one.
 */
import nodeModule from "node:module";
import { ContractError, isContractError } from "@evc/runtime/errors";
import type { ContractModel, EventModel } from "../model.js";
import type { EmittedSdk } from "./emitter.js";
import type { Layout } from "./layout.js";

/** The worker's requests: the events as read, to run the hand-written upcasters on their examples and render their models (optional, first), then the model to emit. */
export type EmitRequest =
  | { readonly render: readonly EventModel[]; readonly layout: Layout; readonly cwd: string }
  | { readonly model: ContractModel; readonly layout: Layout; readonly cwd: string };

/** What the worker is started with. */
export interface EmitWorkerData {
  /** Whether the starting thread has V8's compile cache on (the `evc` command, from Node 22.1), for the worker to turn it on too. */
  readonly compileCache: boolean;
  /** The folder of hand-written upcasters (absolute): where it exists, the worker registers their loader before the events come. */
  readonly upcasters: string | undefined;
}

/** `node:module`'s compile cache functions, from Node 22.1 on (neither Node 20 nor its types have them). */
interface CompileCacheApi {
  getCompileCacheDir?(): string | undefined;
  enableCompileCache?(): unknown;
}

/** The data to start the worker with: whether this thread uses the compile cache, and where the hand-written upcasters are. */
export function emitWorkerData(upcasters: string | undefined): EmitWorkerData {
  return { compileCache: (nodeModule as CompileCacheApi).getCompileCacheDir?.() !== undefined, upcasters };
}

/**
 * In the worker: turn the compile cache on as the `evc` command does (the folder `NODE_COMPILE_CACHE`
 * names, else the OS temp folder's) when the starting thread has it on, so that Modelina and the
 * TypeScript compiler load from it too: the cache is per thread.
 */
export function followCompileCache(data: EmitWorkerData | undefined): void {
  if (data?.compileCache === true) (nodeModule as CompileCacheApi).enableCompileCache?.();
}

/** What emitting threw, as it crosses threads. */
export interface EmitFailure {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** True for an error of this toolkit (`ContractError`), which the CLI reports as such. */
  readonly contract: boolean;
}

/** The worker's one reply: the emitted files, or what emitting threw. */
export type EmitReply = { readonly emitted: EmittedSdk } | { readonly failure: EmitFailure };

/** The standard error classes, rebuilt by name. */
const standardErrors: Readonly<Record<string, ErrorConstructor>> = { Error, TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError };

/** Describe a thrown value to send it across threads. */
export function describeFailure(thrown: unknown): EmitFailure {
  if (!(thrown instanceof Error)) return { name: "Error", message: String(thrown), stack: undefined, contract: false };
  return { name: thrown.name, message: thrown.message, stack: thrown.stack, contract: isContractError(thrown) };
}

/**
 * The error a failure describes, as emitting threw it in the worker: the same class for a
 * standard one or this toolkit's, with the same name, message and stack; `cause` says where it was thrown.
 */
export function rebuildFailure(failure: EmitFailure, cause: Error): Error {
  const options = { cause };
  const error = failure.contract ? new ContractError(failure.message, options) : new (standardErrors[failure.name] ?? Error)(failure.message, options);
  error.name = failure.name;
  if (failure.stack !== undefined) error.stack = failure.stack;
  return error;
}
