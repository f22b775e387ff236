/**
 * `@gatehouse/plugin-kit/runtime`: what a data plane needs to run plugins, not what a plugin author
 * needs (that is the package's main entry). Create a transaction per request and drive it with
 * runPipeline and the data plane's PipelineIO (sockets, proxying, streaming); the phase order lives
 * in runner.ts only.
 */
export { runPipeline } from "./runner.js";
export type { PipelineIO, UpstreamOutcome } from "./runner.js";
export {
  createTransaction,
  transactionResult,
  proxyRequest,
  responseHead,
  kitResponseBody,
  hasNoBody,
  FAILURE_STATUS,
} from "./transaction.js";
export type {
  Transaction,
  TransactionOptions,
  TransactionResult,
  RequestInfo,
  ProxyRequest,
  ResponseHead,
  TraceEntry,
  UpstreamFailure,
} from "./transaction.js";
