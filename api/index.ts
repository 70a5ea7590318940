// The contract of the org API, shared by server, client, provider and CLI.
export * from "./common";
export * from "./errors";
export * as requests from "./requests";
export * as sets from "./sets";
export * from "./resources";
export { routes, pathParams } from "./routes";
export type { OperationId, Routes, RouteDef, ResponseOf, BodyOf, QueryOf, ParamsOf, Method } from "./routes";
export { openApiDocument } from "./openapi";
