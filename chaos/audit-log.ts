// Reading kube-apiserver's audit log: one JSON event per line, written by the server itself, so it is
// the record of what the replicas really sent and what the server really accepted.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { FENCE_REFUSAL_PREFIX } from "../capabilities/runtime/fence";
import { EPOCH_ANNOTATION } from "../storage/guard";

export interface AuditEvent {
  auditID: string;
  verb: string;
  requestURI: string;
  user: { username: string; groups?: string[] };
  objectRef?: {
    resource?: string;
    subresource?: string;
    namespace?: string;
    name?: string;
    apiGroup?: string;
  };
  responseStatus?: { code?: number; message?: string; reason?: string };
  requestObject?: {
    metadata?: { annotations?: Record<string, string> };
    spec?: { holderIdentity?: string; epoch?: number | string };
    status?: { leader?: { epoch?: number } };
  };
  requestReceivedTimestamp: string;
  /** When the server wrote the event: with `omitStages: [RequestReceived]`, when it answered. */
  stageTimestamp?: string;
  /** Parsed requestReceivedTimestamp, in ms. */
  at: number;
  /** Parsed stageTimestamp, in ms (`at` when the event has none). */
  answeredAt?: number;
}

export const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection"]);

/**
 * Throws when kube-apiserver rotated the audit log at `path` (a sibling audit-<time>.log exists):
 * the events before the rotation are not in it, and a judgement or count from it would be wrong.
 */
export function assertNotRotated(path: string): void {
  const rotated = readdirSync(dirname(path)).filter(f => /^audit-.+\.log$/.test(f));
  if (rotated.length > 0)
    throw new Error(`the audit log ${path} was rotated (${rotated.join(", ")}): it is incomplete`);
}

export function readAuditLog(path: string | undefined): AuditEvent[] {
  if (!path || !existsSync(path)) return [];
  assertNotRotated(path);
  const events: AuditEvent[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as AuditEvent;
      e.at = Date.parse(e.requestReceivedTimestamp);
      const answered = e.stageTimestamp ? Date.parse(e.stageTimestamp) : NaN;
      e.answeredAt = Number.isFinite(answered) ? answered : e.at;
      events.push(e);
    } catch {
      // A line cut short by an API server restart: nothing the server answered is lost with it,
      // blocking mode writes the event before the response.
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

/** A dry run (the operators' fence barrier probes): admitted or refused, nothing was stored. */
export const isDryRun = (e: Pick<AuditEvent, "requestURI">): boolean =>
  /[?&]dryRun=All(&|$)/.test(e.requestURI);

/** Refused by the fence policy (a 403 whose message names it). */
export const refusedByFence = (e: AuditEvent): boolean =>
  e.responseStatus?.code === 403 && (e.responseStatus.message ?? "").includes(FENCE_REFUSAL_PREFIX);

export const accepted = (e: AuditEvent): boolean => {
  const code = e.responseStatus?.code ?? 0;
  return code >= 200 && code < 300;
};

/** The epoch a write carried: the children's annotation, a status's leader epoch, a fence's spec. */
export function stampOf(e: AuditEvent): number | undefined {
  const raw =
    e.requestObject?.metadata?.annotations?.[EPOCH_ANNOTATION] ??
    e.requestObject?.status?.leader?.epoch;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
}
