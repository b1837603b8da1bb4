-- One fixed request, prebuilt once per thread.
-- wrk ... -s static.lua -- <METHOD> <path> <body file or -> <token or -> [<session or ->]
-- (a session is sent as the browser's llp_session cookie: the learner pages, B11)
function init(args)
  local method, path, body_file, token, session = args[1], args[2], args[3], args[4], args[5]
  local body = nil
  if body_file ~= "-" then
    local f = assert(io.open(body_file, "rb"))
    body = f:read("*a")
    f:close()
  end
  local headers = {["Accept"] = "application/json"}
  if body ~= nil then headers["Content-Type"] = "application/json" end
  if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
  if session ~= nil and session ~= "-" then headers["Cookie"] = "llp_session=" .. session end
  prepared = wrk.format(method, path, headers, body)
end

function request()
  return prepared
end
