/** Library entry: the domain and the two API clients, for use outside Node-RED. */
export * from "./errors";
