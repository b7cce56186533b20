// `highlander run` as real processes against the lease service (bundle + Functions Framework +
// Spanner emulator). The command each runner guards is a shell loop that appends
// "epoch=<HIGHLANDER_EPOCH> pid=<its pid>" to one shared file, fenced the way HIGHLANDER_EPOCH is
// meant to be used: under flock, it refuses to write once the file holds a newer epoch. The tests
// check who ran, that a successor only starts after the predecessor's command is gone or fenced,
// and what the runners do on kill -9, SIGSTOP/SIGCONT, SIGTERM and command exit.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { isAlive, sleep, waitFor } from "../devenv/lib/processes";
import {
  api,
  INSTANCE,
  PROJECT,
  startLeaseService,
  startRunner,
  type LeaseServiceProcess,
  type RunnerProcess,
} from "./testing/harness";

const TOKEN = "runner-test-token";
const LEASE_MS = 10_000;
const RETRY_MS = 500;
const TIMING = [
  "--lease-duration",
  "10s",
  "--renew-deadline",
  "7s",
  "--retry-period",
  "500ms",
  "--grace-period",
  "2s",
];

let service: LeaseServiceProcess;
let dir: string;
const runners: RunnerProcess[] = [];

/** The fenced writer: appends while its epoch is the newest in the file, else records a refusal. */
const FENCED_WRITER = `
F="$SHARED"
echo "start epoch=$HIGHLANDER_EPOCH pid=$$ holder=$HIGHLANDER_HOLDER lease=$HIGHLANDER_LEASE" >> "$F.starts"
while :; do
  (
    flock 9
    max=$(sed -n 's/^epoch=\\([0-9]*\\) .*/\\1/p' "$F" 2>/dev/null | sort -n | tail -1)
    if [ -n "$max" ] && [ "$max" -gt "$HIGHLANDER_EPOCH" ]; then
      echo "refused epoch=$HIGHLANDER_EPOCH newest=$max" >> "$F.refused"
    else
      echo "epoch=$HIGHLANDER_EPOCH pid=$$" >> "$F"
    fi
  ) 9>"$F.lock"
  sleep 0.1
done`;

interface Line {
  epoch: number;
  pid: number;
}

function lines(file: string): Line[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .flatMap(l => {
      const m = /^(?:start )?epoch=(\d+) pid=(\d+)/.exec(l);
      return m ? [{ epoch: Number(m[1]), pid: Number(m[2]) }] : [];
    });
}

/** Every line of `epoch` comes before the first line of any greater epoch. */
function staleAfterNewer(all: Line[]): Line[] {
  const stale: Line[] = [];
  let newest = 0;
  for (const l of all) {
    if (l.epoch < newest) stale.push(l);
    newest = Math.max(newest, l.epoch);
  }
  return stale;
}

function runner(name: string, shared: string, extra: string[] = []): RunnerProcess {
  const r = startRunner(
    name,
    [
      "--lease",
      "team-a/singleton",
      "--service",
      service.url,
      "--holder",
      name,
      ...TIMING,
      ...extra,
      "--",
      "sh",
      "-c",
      FENCED_WRITER,
    ],
    { HIGHLANDER_LEASE_TOKEN: TOKEN, SHARED: shared },
  );
  runners.push(r);
  return r;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // gone
  }
}

async function leaseRecord() {
  return (await api(service.url, "GET", "/v1/leases/team-a/singleton", { token: TOKEN })).body;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "highlander-runner-"));
  service = await startLeaseService({
    emulatorHost: inject("spannerEmulatorHost"),
    token: TOKEN,
    logDir: dir,
  });
});

afterAll(async () => {
  for (const r of runners) {
    signalGroup(r.pid, "SIGCONT");
    signalGroup(r.pid, "SIGKILL");
  }
  for (const file of ["shared", "shared.starts"].map(f => join(dir, f))) {
    for (const l of lines(file)) signalGroup(l.pid, "SIGKILL");
  }
  await service?.stop();
});

describe("highlander run over the lease service", () => {
  const shared = () => join(dir, "shared");
  let leader: RunnerProcess;
  let standby: RunnerProcess;

  it("two racing runners: exactly one runs its command", async () => {
    const a = runner("runner-a", shared());
    const b = runner("runner-b", shared());
    await waitFor(
      "a command to start",
      () => (lines(`${shared()}.starts`).length > 0 ? true : undefined),
      30_000,
      50,
    );
    // Give the loser several retry periods to (wrongly) start as well.
    await sleep(6 * RETRY_MS + 2000);
    const starts = lines(`${shared()}.starts`);
    expect(starts).toHaveLength(1);
    const written = lines(shared());
    expect(written.length).toBeGreaterThan(5);
    expect(new Set(written.map(l => `${l.epoch}/${l.pid}`)).size).toBe(1);
    const record = await leaseRecord();
    expect(["runner-a", "runner-b"]).toContain(record.holder);
    expect(record.epoch).toBe(starts[0].epoch);
    [leader, standby] = record.holder === "runner-a" ? [a, b] : [b, a];
    // The emulator runs one read-write transaction at a time: on a loaded machine the standby's first
    // refused attempt can take seconds to come back, so wait for it rather than for a fixed time.
    await waitFor(
      "the standby to report the holder",
      () => (/held by runner-[ab]/.test(standby.output()) ? true : undefined),
      30_000,
      50,
    );
    expect(standby.output()).toMatch(/held by runner-[ab]/);
    expect(leader.exitCode()).toBeUndefined();
    expect(standby.exitCode()).toBeUndefined();
  });

  it("kill -9 the running one: its command dies with it, the other starts within about leaseDuration", async () => {
    const old = lines(`${shared()}.starts`)[0];
    const killedAt = Date.now();
    signalGroup(leader.pid, "SIGKILL");
    // The watchdog takes the orphaned command down (long before the lease could pass on).
    await waitFor(
      "the dead runner's command to be killed",
      () => (isAlive(old.pid) ? undefined : true),
      5000,
      50,
    );
    const next = await waitFor(
      "the standby to start its command",
      () => lines(`${shared()}.starts`)[1],
      LEASE_MS + 10_000,
      50,
    );
    const seconds = (Date.now() - killedAt) / 1000;
    process.stdout.write(
      `kill -9 → standby's command started after ${seconds.toFixed(2)} s (leaseDuration ${LEASE_MS / 1000} s, retry ${RETRY_MS} ms)\n`,
    );
    expect(next.epoch).toBeGreaterThan(old.epoch);
    expect(await leaseRecord()).toMatchObject({ holder: standby.name, epoch: next.epoch });
    // Takeover waits for the lease to run out on the server, then one jittered retry.
    expect(seconds).toBeLessThan((LEASE_MS + 1000 + 1.2 * RETRY_MS) / 1000 + 1);
    await waitFor(
      "the new leader to write",
      () => (lines(shared()).some(l => l.epoch === next.epoch) ? true : undefined),
      5000,
      50,
    );
    expect(staleAfterNewer(lines(shared()))).toEqual([]);
  });

  it("SIGSTOP the running one beyond its lease: the other starts; on resume the stopped one's command is killed and never writes", async () => {
    const frozen = standby;
    const frozenCmd = lines(`${shared()}.starts`)[1];
    const third = runner("runner-c", shared());
    await waitFor(
      "runner-c to see the lease held",
      () => (/held by runner-/.test(third.output()) ? true : undefined),
      30_000,
      50,
    );
    // Freeze the whole machine, as it were: the runner and its command. The signals go out while
    // this test holds the writers' flock, so the command is not frozen inside its critical section:
    // a frozen lock holder would block runner-c's writes until resume, a limit of this shared-file
    // writer, not of the runner.
    execFileSync("flock", [
      `${shared()}.lock`,
      "sh",
      "-c",
      `kill -STOP -${frozen.pid}; kill -STOP -${frozenCmd.pid}; true`,
    ]);
    const frozenAt = Date.now();
    const next = await waitFor(
      "runner-c to start its command",
      () => lines(`${shared()}.starts`)[2],
      LEASE_MS + 15_000,
      50,
    );
    process.stdout.write(
      `SIGSTOP → runner-c started after ${((Date.now() - frozenAt) / 1000).toFixed(2)} s\n`,
    );
    expect(next.epoch).toBeGreaterThan(frozenCmd.epoch);
    await waitFor(
      "runner-c to write",
      () => (lines(shared()).some(l => l.epoch === next.epoch) ? true : undefined),
      5000,
      50,
    );
    // Resume the command first (the worst order), then its runner.
    signalGroup(frozenCmd.pid, "SIGCONT");
    signalGroup(frozen.pid, "SIGCONT");
    const code = await Promise.race([frozen.exited, sleep(15_000).then(() => "still running")]);
    expect(code).toBe(75); // lease lost: command stopped, runner exits for its supervisor
    expect(frozen.output()).toMatch(
      /lost lease team-a\/singleton \(no successful renewal within 7000 ms\)/,
    );
    expect(isAlive(frozenCmd.pid)).toBe(false);
    await sleep(1000);
    const all = lines(shared());
    expect(staleAfterNewer(all)).toEqual([]);
    const refused = existsSync(`${shared()}.refused`)
      ? readFileSync(`${shared()}.refused`, "utf8").trim()
      : "";
    process.stdout.write(
      `after SIGCONT: ${refused ? refused.split("\n").length : 0} stale write(s) refused by the epoch fence before the runner's SIGTERM landed\n`,
    );
    // The new leader kept going and still holds the lease.
    const after = lines(shared()).filter(l => l.epoch === next.epoch).length;
    await sleep(1000);
    expect(lines(shared()).filter(l => l.epoch === next.epoch).length).toBeGreaterThan(after);
    expect(await leaseRecord()).toMatchObject({ holder: "runner-c", epoch: next.epoch });
    leader = third;
  });

  it("SIGTERM stops the command, releases the lease and exits", async () => {
    const cmd = lines(`${shared()}.starts`)[2];
    process.kill(leader.pid, "SIGTERM");
    const code = await Promise.race([leader.exited, sleep(15_000).then(() => "still running")]);
    expect(code).toBe(143); // the command's status: killed by SIGTERM
    expect(isAlive(cmd.pid)).toBe(false);
    expect(await leaseRecord()).toMatchObject({ holder: "", held: false });
  });
});

describe("highlander run, command exit and direct storage", () => {
  it("passes the command's exit code through, with the lease in its environment, and releases", async () => {
    const out = join(dir, "env-out");
    const r = startRunner(
      "exit-7",
      [
        "--lease",
        "team-a/once",
        "--service",
        service.url,
        "--holder",
        "exit-7",
        ...TIMING,
        "--",
        "sh",
        "-c",
        `echo "$HIGHLANDER_EPOCH $HIGHLANDER_LEASE $HIGHLANDER_HOLDER" > ${out}; exit 7`,
      ],
      { HIGHLANDER_LEASE_TOKEN: TOKEN },
    );
    runners.push(r);
    expect(await r.exited).toBe(7);
    const [epoch, lease, holder] = readFileSync(out, "utf8").trim().split(" ");
    expect({ lease, holder }).toEqual({ lease: "team-a/once", holder: "exit-7" });
    const record = (await api(service.url, "GET", "/v1/leases/team-a/once", { token: TOKEN })).body;
    expect(record).toMatchObject({ holder: "", epoch: Number(epoch) });
  });

  it("refuses a wrong token at once with a clear message", async () => {
    const r = startRunner(
      "bad-token",
      ["--lease", "team-a/once", "--service", service.url, "--", "true"],
      {
        HIGHLANDER_LEASE_TOKEN: "wrong",
      },
    );
    runners.push(r);
    expect(await r.exited).toBe(2);
    expect(r.output()).toMatch(/HTTP 401: invalid bearer token/);
  });

  it("runs against Spanner directly with --storage spanner", async () => {
    const out = join(dir, "direct-out");
    writeFileSync(out, "");
    const r = startRunner(
      "direct",
      [
        "--lease",
        "team-z/direct",
        "--storage",
        "spanner",
        "--spanner-project-id",
        PROJECT,
        "--spanner-instance-id",
        INSTANCE,
        "--spanner-database-id",
        service.databaseId,
        ...TIMING,
        "--",
        "sh",
        "-c",
        `echo "$HIGHLANDER_EPOCH" > ${out}`,
      ],
      { SPANNER_EMULATOR_HOST: inject("spannerEmulatorHost") },
    );
    runners.push(r);
    expect(await r.exited, r.output()).toBe(0);
    expect(Number(readFileSync(out, "utf8").trim())).toBeGreaterThanOrEqual(1);
    // Same table, same key scheme: the service sees the lease the runner took and released directly.
    const record = (await api(service.url, "GET", "/v1/leases/team-z/direct", { token: TOKEN }))
      .body;
    expect(record).toMatchObject({ holder: "", epoch: Number(readFileSync(out, "utf8").trim()) });
  });
});
