-- Resource actions of a flagops.io/FlagRelease: suspend while running, resume while suspended.
local actions = {}
local suspended = obj.spec ~= nil and obj.spec.suspend == true
actions["suspend"] = {
  ["disabled"] = suspended,
  ["iconClass"] = "fa fa-fw fa-pause-circle",
  ["displayName"] = "Suspend (no calls to LaunchDarkly)"
}
actions["resume"] = {
  ["disabled"] = not suspended,
  ["iconClass"] = "fa fa-fw fa-play-circle",
  ["displayName"] = "Resume"
}
return actions
