-- Argo CD health check for Highlander's workload kinds (WorkloadProcess, WorkloadCronJob,
-- WorkloadService, WorkloadPersistent in highlander.plexobject.io). Argo CD sets the global `obj`.
-- It follows the kstatus conditions the operator writes (Reconciling and Stalled are abnormal-true):
--   Progressing: no status yet; status older than the spec (observedGeneration < generation);
--                Reconciling=True (starting, rolling out, a transient write failure being retried);
--                Ready missing, Unknown, or False for a reason that is not a failure.
--   Degraded:    Stalled=True (an invalid spec, a child the API server refused, a name clash, the
--                restart budget spent, a rollout past its deadline, pods the API server refuses);
--                InvalidSpec=True or Degraded=True; Ready=False for a failure reason (also from
--                operators older than the Stalled condition; a cron job whose last run failed; a
--                process pod that failed, even while the controller will restart it).
--   Healthy:     Ready=True for the current generation.
-- The message is the deciding condition's message (for a refused child, the API server's own).
local hs = {}

-- Ready reasons that are failures the operator will not fix by retrying, or a failed run.
local failureReasons = {
  InvalidSpec = true,
  ChildRejected = true,
  ChildConflict = true,
  PodsRejected = true,
  RestartBudgetSpent = true,
  ProgressDeadlineExceeded = true,
  LastRunFailed = true,
  PodFailed = true,
}

local function condition(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local function messageOf(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  if obj.status ~= nil and obj.status.message ~= nil and obj.status.message ~= "" then
    return obj.status.message
  end
  return fallback
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Highlander controller to report status"
  return hs
end

local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the Highlander controller to observe generation " .. tostring(generation)
  return hs
end

for _, failing in ipairs({ "Stalled", "InvalidSpec", "Degraded" }) do
  local c = condition(failing)
  if isTrue(c) then
    hs.status = "Degraded"
    hs.message = messageOf(c, "The workload is stalled")
    return hs
  end
end

local ready = condition("Ready")
if isTrue(ready) then
  hs.status = "Healthy"
  hs.message = messageOf(ready, "Ready")
  return hs
end

if ready ~= nil and ready.status == "False" and failureReasons[ready.reason] then
  hs.status = "Degraded"
  hs.message = messageOf(ready, "The workload failed")
  return hs
end

if isTrue(condition("Reconciling")) then
  hs.status = "Progressing"
  hs.message = messageOf(condition("Reconciling"), "The workload is starting")
  return hs
end

hs.status = "Progressing"
hs.message = messageOf(ready, "Waiting for the workload to become ready")
return hs
