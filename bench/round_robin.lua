-- wrk script: request the paths listed in a file (one a line), each thread going round
-- them in turn from its own starting point. Usage: wrk -s round_robin.lua URL -- FILE
local paths = {}
local next_path = 1

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  -- Threads start at different places, so the server sees the whole mix at once.
  next_path = (wrk.thread:get("offset") or 0) % #paths + 1
end

local thread_count = 0
function setup(thread)
  thread:set("offset", thread_count * 97)
  thread_count = thread_count + 1
end

function request()
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format("GET", path)
end
