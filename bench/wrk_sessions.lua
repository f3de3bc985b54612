-- wrk script of bench/server.py: every request as another signed-in customer.
--
-- Environment (set by bench/server.py):
--   BENCH_SESSIONS  a file with one line per session: "<sessionid> <csrf secret> <account id> <category id>"
--   BENCH_PATH      the path to request
--   BENCH_METHOD    GET (default) or POST (an expense of 1.00 on the line's account and category,
--                   a fresh one-time form token each time, the CSRF secret as cookie and field)
--   BENCH_EXPECT    the status every answer must have (200; 302 for a posting)
--   BENCH_DATE      the expense's date (YYYY-MM-DD), for POST
-- The server runs in production settings behind a "proxy": X-Forwarded-Proto https makes the
-- request secure (the session cookie is Secure, CSRF checks the https Origin).
-- done() prints one line: BENCH-RESULT {json}.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_number", #threads)
end

local sessions = {}
local position = 0
local path, method, expect, day, host
bad = 0
first_bad = ""

function init(args)
   for line in io.lines(os.getenv("BENCH_SESSIONS")) do
      local sid, csrf, account, category = line:match("^(%S+)%s+(%S+)%s+(%S+)%s+(%S+)")
      if sid then
         table.insert(sessions, {sid = sid, csrf = csrf, account = account, category = category})
      end
   end
   path = os.getenv("BENCH_PATH") or "/"
   method = os.getenv("BENCH_METHOD") or "GET"
   expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
   day = os.getenv("BENCH_DATE") or ""
   host = wrk.headers["Host"] or (wrk.host .. ":" .. wrk.port)
   -- Threads start at different places of the list, so they do not send the same user at once.
   position = (thread_number * 7919) % #sessions
   math.randomseed(os.time() * 1000 + thread_number)
end

local function uuid4()
   local function hex(n, digits) return string.format("%0" .. digits .. "x", n) end
   return hex(math.random(0, 0xffff), 4) .. hex(math.random(0, 0xffff), 4) .. "-" .. hex(math.random(0, 0xffff), 4)
      .. "-4" .. hex(math.random(0, 0xfff), 3) .. "-a" .. hex(math.random(0, 0xfff), 3) .. "-"
      .. hex(math.random(0, 0xffff), 4) .. hex(math.random(0, 0xffff), 4) .. hex(math.random(0, 0xffff), 4)
end

function request()
   position = position + 1
   local s = sessions[(position % #sessions) + 1]
   local headers = {
      ["Cookie"] = "sessionid=" .. s.sid .. "; csrftoken=" .. s.csrf,
      ["X-Forwarded-Proto"] = "https",
      ["X-Forwarded-For"] = "10.9." .. (position % 250) .. ".1",
   }
   if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["Origin"] = "https://" .. host
      headers["Referer"] = "https://" .. host .. path
      local body = "csrfmiddlewaretoken=" .. s.csrf .. "&account=" .. s.account .. "&amount=1.00&category="
         .. s.category .. "&occurred_on=" .. day .. "&payee=&description=bench&form_token=" .. uuid4()
      return wrk.format("POST", path, headers, body)
   end
   return wrk.format("GET", path, headers)
end

function response(status, headers, body)
   if status ~= expect then
      bad = bad + 1
      if first_bad == "" then
         first_bad = tostring(status) .. " " .. (headers["Location"] or "")
      end
   end
end

function done(summary, latency, requests)
   local unexpected, example = 0, ""
   for _, thread in ipairs(threads) do
      unexpected = unexpected + (thread:get("bad") or 0)
      local first = thread:get("first_bad") or ""
      if example == "" and first ~= "" then example = first end
   end
   local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
   io.write(string.format(
      'BENCH-RESULT {"requests": %d, "duration_us": %d, "errors": %d, "unexpected": %d, "example": "%s", '
         .. '"p50_us": %d, "p99_us": %d}\n',
      summary.requests, summary.duration, errors, unexpected, example:gsub('"', "'"),
      latency:percentile(50), latency:percentile(99)))
end
