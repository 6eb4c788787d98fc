-- wrk script of scripts/bench-web: each request carries the session of another of the communities
-- listed in the file GUIYAN_BENCH_COOKIES (one `gy_session=…` per line), in turn.
local cookies = {}
for line in io.lines(os.getenv("GUIYAN_BENCH_COOKIES")) do
  if #line > 0 then
    cookies[#cookies + 1] = line
  end
end
local next_one = 0

request = function()
  next_one = next_one % #cookies + 1
  return wrk.format("GET", nil, { ["Cookie"] = cookies[next_one] })
end
