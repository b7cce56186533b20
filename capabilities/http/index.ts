// Public surface of the HTTP capability.
export { createHttpServer, type HttpServer } from "./server";
export { listPodDetails, type PodObject } from "./pod-details";
