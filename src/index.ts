/** Library entry: the domain and the two API clients, for use outside Node-RED. */
export * from "./errors";
export { HttpError, isHttpError, type HttpErrorFacts } from "./http/errors";
export * from "./koppeling";
export * as ledger from "./koppeling/sync-ledger";
export { CcvClient } from "./ccv/client";
export * as ccvSchemas from "./ccv/schemas";
export { SnelStartClient } from "./snelstart/client";
export { Throttle, throttleFor } from "./snelstart/throttle";
export { odataString } from "./snelstart/odata";
export * as snelstartSchemas from "./snelstart/schemas";
