-- Argo CD health check for Highlander's workload kinds (WorkloadProcess, WorkloadCronJob,
-- WorkloadService, WorkloadPersistent in highlander.plexobject.io). Argo CD sets the global `obj`.
--   Progressing: no status yet, status older than the spec (observedGeneration < generation), or
--                Ready missing/Unknown/False without a failure.
--   Degraded:    InvalidSpec=True, Degraded=True, Healthy=False, or status.healthy false.
--   Healthy:     Ready=True and status.healthy not false.
-- The message is the deciding condition's message.
local hs = {}

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

local invalid = condition("InvalidSpec")
if invalid ~= nil and invalid.status == "True" then
  hs.status = "Degraded"
  hs.message = messageOf(invalid, "The spec is invalid")
  return hs
end

local degraded = condition("Degraded")
if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  hs.message = messageOf(degraded, "The workload is degraded")
  return hs
end

local healthy = condition("Healthy")
if healthy ~= nil and healthy.status == "False" then
  hs.status = "Degraded"
  hs.message = messageOf(healthy, "The workload is not healthy")
  return hs
end

local ready = condition("Ready")
if ready ~= nil and ready.status == "True" then
  if obj.status.healthy == false then
    hs.status = "Degraded"
    hs.message = messageOf(nil, "The workload is not healthy")
    return hs
  end
  hs.status = "Healthy"
  hs.message = messageOf(ready, "Ready")
  return hs
end

hs.status = "Progressing"
hs.message = messageOf(ready, "Waiting for the workload to become ready")
return hs
