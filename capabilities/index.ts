// The capabilities this module registers with Pepr, in one list that pepr.ts hands to PeprModule.
import type { Capability } from "pepr";
import { Workloads } from "./workloads";

export const capabilities: Capability[] = [Workloads];
