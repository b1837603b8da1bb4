-- One fixed request, prebuilt once per thread.
-- wrk ... -s static.lua -- <METHOD> <path> <body file or -> <token or ->
function init(args)
  local method, path, body_file, token = args[1], args[2], args[3], args[4]
  local body = nil
  if body_file ~= "-" then
    local f = assert(io.open(body_file, "rb"))
    body = f:read("*a")
    f:close()
  end
  local headers = {["Accept"] = "application/json"}
  if body ~= nil then headers["Content-Type"] = "application/json" end
  if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
  prepared = wrk.format(method, path, headers, body)
end

function request()
  return prepared
end
