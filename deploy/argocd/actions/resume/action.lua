-- Resume a suspended FlagRelease: the operator reconciles it again.
if obj.spec == nil then
  obj.spec = {}
end
obj.spec.suspend = false
return obj
