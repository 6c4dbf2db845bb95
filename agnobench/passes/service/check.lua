-- agnobench's wrk script: a per-request token, and every response checked.
-- Arguments (after --): method, path, body, content type, expected status, expected body; "{token}" in
-- path, body and expected body is replaced by the request's token ("<prefix><thread>x<n>").
-- wrk does not say which request a response answers (one thread drives many connections), so each
-- thread keeps the set of tokens it has sent and not yet seen answered: a response counts as good only
-- when its status is the expected one and it carries a token of this thread that is still pending
-- (each token is accepted once). A reply to a request nobody sent, a repeat, a stale or foreign
-- token, or a missing token counts as wrong.

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

local method, path_t, body_t, ctype, expect_status, expect_t, prefix, pattern
local counter = 0
local pending = {}
good, wrong, first_wrong = 0, 0, ""

local function fill(template, token)
  return (string.gsub(template, "{token}", token))
end

function init(args)
  method, path_t, body_t, ctype = args[1], args[2], args[3], args[4]
  expect_status, expect_t = tonumber(args[5]), args[6]
  prefix = args[7] .. id .. "x"
  pattern = prefix .. "%d+"
end

function request()
  counter = counter + 1
  local token = prefix .. counter
  pending[token] = true
  local headers = {}
  if ctype ~= "" then headers["Content-Type"] = ctype end
  local body = nil
  if body_t ~= "" then body = fill(body_t, token) end
  return wrk.format(method, fill(path_t, token), headers, body)
end

function response(status, headers, body)
  local token = body and string.match(body, pattern)
  if status == expect_status and token and pending[token]
      and string.find(body, fill(expect_t, token), 1, true) then
    pending[token] = nil
    good = good + 1
    return
  end
  wrong = wrong + 1
  if first_wrong == "" then
    first_wrong = "status " .. status .. ": " .. string.sub(body or "", 1, 200)
  end
end

local function quote(text)
  return '"' .. string.gsub(text, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

function done(summary, latency, requests)
  local total_good, total_wrong, sample = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_good = total_good + thread:get("good")
    total_wrong = total_wrong + thread:get("wrong")
    if sample == "" then sample = thread:get("first_wrong") end
  end
  local e = summary.errors
  io.write(string.format(
    'AGNOBENCH {"good": %d, "wrong": %d, "requests": %d, "duration_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50": %.1f, "p90": %.1f, "p99": %.1f, "p999": %.1f, ' ..
    '"max": %.1f, "mean": %.1f, "first_wrong": %s}\n',
    total_good, total_wrong, summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean, quote(sample)))
end
