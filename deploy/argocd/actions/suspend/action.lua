-- Suspend a FlagRelease: the operator stops calling LaunchDarkly for it until it is resumed.
if obj.spec == nil then
  obj.spec = {}
end
obj.spec.suspend = true
return obj
