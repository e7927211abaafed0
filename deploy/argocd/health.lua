-- Argo CD health of a flagops.io/FlagRelease, from the kstatus conditions the operator writes.
-- Suspended: spec.suspend is true (the operator makes no call to LaunchDarkly).
-- Progressing: no status yet, the current generation not yet observed, or Reconciling=True.
-- Degraded: Stalled=True, a person must act (the message says what).
-- Healthy: Ready=True for the current generation: LaunchDarkly matches the spec.
local hs = {}

local function condition(status, type)
  if status == nil or status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function message(c, default)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return default
end

if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "FlagRelease is suspended: no calls to LaunchDarkly until spec.suspend is false"
  return hs
end

local status = obj.status
if status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report a status"
  return hs
end

local generation = obj.metadata.generation
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local reconciling = condition(status, "Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = message(reconciling, "Reconciling")
  return hs
end

local stalled = condition(status, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = message(stalled, "Stalled")
  return hs
end

local ready = condition(status, "Ready")
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = message(ready, "LaunchDarkly matches the spec")
  return hs
end

hs.status = "Progressing"
hs.message = message(ready, message(status, "Waiting for the FlagRelease to become Ready"))
return hs
