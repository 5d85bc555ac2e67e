-- bugle shared rate limits, key layout v1: complete.
-- Applies what one granted request's response said, for every process, and wakes the
-- processes waiting on its bucket. Times come from Redis (TIME).
--
-- ARGV: 1 scope, 2 egress scope, 3 route, 4 major, 5 pool, 6 slot, 7 reservation id,
--       8 what happened: "unsent", "lost" (sent, no answer) or the status code,
--       9 limit, 10 remaining, 11 reset-after ms ("" when absent), 12 bucket hash,
--       13 what the response means, as the engine classifies it: "" (nothing special),
--          "ban", "global", "shared", "sublimit", "user" (429s), "token" (401 on the bot
--          token), "invalid" (another 401 or a 403), "webhook" (a dead webhook's 404),
--       14 how long that lasts, ms, 15 webhook key, 16 idle ttl ms,
--       17 invalid-request ceiling, 18 wake channel, 19 safety margin ms,
--       20 how long a learned sublimit outlives its window, ms
-- An empty slot (6) means an ask whose answer the caller stopped waiting for: whatever
-- it was granted is given back, wherever the route's grant may be. What (8) "fallback"
-- records a request sent under a process's fallback limits.
if redis.replicate_commands then
  redis.replicate_commands()
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local now_us = tonumber(t[1]) * 1000000 + tonumber(t[2])

local scope, egress, route, major, pool = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local slot, id, what = ARGV[6], ARGV[7], ARGV[8]
local h_limit, h_remaining, h_reset_after = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local h_bucket, kind = ARGV[12], ARGV[13]
local lasts = math.max(tonumber(ARGV[14]) or 0, 1)
local webhook, idle = ARGV[15], tonumber(ARGV[16])
local ceiling, channel = tonumber(ARGV[17]), ARGV[18]
local margin, sub_ttl = tonumber(ARGV[19]), tonumber(ARGV[20])
local lane = route .. '|' .. major
local sent = scope .. ':sent:' .. lane

if what == 'fallback' then
  -- Sent under a process's fallback limits while its asks got no answer in time (the
  -- store was slow rather than gone, if this arrives): every process counts it from
  -- now on, in the global pool, the resource's log and the bucket's remaining.
  -- ARGV 14 is then the global window, ms.
  local log = nil
  if pool == 'bot' then
    log = scope .. ':global'
  elseif pool == 'ip' then
    log = egress .. ':global'
  end
  if log ~= nil then
    redis.call('ZADD', log, now, id)
    redis.call('PEXPIRE', log, lasts * 2)
  end
  redis.call('ZADD', sent, now_us, id)
  redis.call('ZREMRANGEBYRANK', sent, 0, -129)
  redis.call('PEXPIRE', sent, idle)
  local hash = redis.call('GET', scope .. ':route:' .. route)
  if hash then
    local bucket = scope .. ':b:' .. hash .. '|' .. major
    local left = tonumber(redis.call('HGET', bucket, 'remaining'))
    if left ~= nil and left > 0 then
      redis.call('HSET', bucket, 'remaining', left - 1)
    end
  end
  return 0
end

if slot == '' then
  -- An abandoned ask: the slots its route's grant may be in.
  local hash = redis.call('GET', scope .. ':route:' .. route)
  local slots = {scope .. ':u:' .. lane}
  if hash then
    table.insert(slots, scope .. ':b:' .. hash .. '|' .. major)
  end
  for _, candidate in ipairs(slots) do
    redis.call('ZREM', candidate .. ':fly', id)
    redis.call('ZREM', candidate .. ':q', id)
    redis.call('ZREM', candidate .. ':qx', id)
  end
  slot = slots[#slots]
else
  redis.call('ZREM', slot .. ':fly', id)
end

if what == 'unsent' then
  -- Never sent: its place in the global pool and the resource's log is given back too.
  if pool == 'bot' then
    redis.call('ZREM', scope .. ':global', id)
  elseif pool == 'ip' then
    redis.call('ZREM', egress .. ':global', id)
  end
  redis.call('ZREM', sent, id)
  redis.call('PUBLISH', channel, slot)
  return 0
end

-- When the request was granted (µs), from the resource's log. A 429 was refused: it
-- holds no place in the log.
local sent_at = tonumber(redis.call('ZSCORE', sent, id))
if what == '429' then
  redis.call('ZREM', sent, id)
end
local sub_key = scope .. ':sub:' .. route

-- Learns a hidden sublimit from a 429 on this resource, sent at `sent_at` (µs), that
-- said to wait `retry` ms. Stored per route, applied to every resource of the route.
local function learn(retry)
  local key = sub_key
  local window_end = now_us + retry * 1000
  local prev = redis.call('HMGET', key, 'limit', 'period', 'lane', 'until')
  local limit, period = tonumber(prev[1]), tonumber(prev[2])
  if limit ~= nil and period ~= nil and sent_at ~= nil and prev[3] == lane
      and sent_at <= tonumber(prev[4]) then
    -- Sent with the request whose 429 taught the limit, and counted by it: refused
    -- too, so it did not count after all.
    limit = math.max(limit - 1, 1)
    redis.call('HSET', key, 'limit', limit, 'period', math.max(period, retry))
    return
  end
  if limit == nil or period == nil then
    -- The first 429: the window it ends began at one of the dispatches sent before the
    -- refused one, and counted it and every later one. Windows are fixed and start at
    -- their first dispatch, so the dispatches before that start must fall into such
    -- windows one after another, none over the limit, the last one over by the start;
    -- that is checked over the whole log (a sliding window refuses where such a fixed
    -- window does, so what passes is safe under both). The latest start that passes is
    -- taken: the shortest window and the smallest count the dispatches explain.
    local times = {}
    if sent_at ~= nil then
      local log = redis.call('ZRANGEBYSCORE', sent, '-inf', '(' .. sent_at, 'WITHSCORES')
      for i = 2, #log, 2 do
        table.insert(times, tonumber(log[i]))
      end
    end
    local n = #times
    local function fits(j)
      local span = window_end - times[j]
      local most = n - j + 1
      local i = 1
      while i < j do
        local ends = times[i] + span
        local count = 0
        while i + count < j and times[i + count] < ends do
          count = count + 1
        end
        i = i + count
        if count > most or (i == j and ends > times[j]) then
          return false
        end
      end
      return true
    end
    local start = 1
    for j = n, 2, -1 do
      if fits(j) then
        start = j
        break
      end
    end
    if n == 0 then
      limit, period = 1, retry + margin
    else
      limit = n - start + 1
      period = math.ceil((window_end - times[start]) / 1000) + margin
    end
    -- What the count was taken from: a later 429 for one of the requests it counted
    -- takes one off; a success for one sent after the refused request but granted before
    -- this 429 came back (the server took it first) adds one.
    redis.call('HSET', key, 'lane', lane, 'until', sent_at or 0, 'learned', now_us)
  else
    -- A later 429: the window is at least what it says. The count is lowered to what
    -- this resource sent in the 429's window, only if the whole window is in the log and
    -- the resource was not already held (a held resource's 429 is for a request that
    -- left before the hold: it says nothing new).
    period = math.max(period, retry)
    local held = redis.call('PTTL', scope .. ':hold:' .. lane) > 0
    local window_start = window_end - (period + margin) * 1000
    local oldest = redis.call('ZRANGE', sent, 0, 0, 'WITHSCORES')
    local whole = redis.call('ZCARD', sent) < 128
      or (oldest[2] ~= nil and tonumber(oldest[2]) <= window_start)
    if sent_at ~= nil and whole and not held then
      local count = redis.call('ZCOUNT', sent, window_start, '(' .. sent_at)
      limit = math.min(limit, math.max(count, 1))
    end
  end
  redis.call('HSET', key, 'limit', limit, 'period', period)
  redis.call('PEXPIRE', key, math.ceil((window_end - now_us) / 1000) + sub_ttl)
end

-- The bucket the response belongs to: named by its hash when it carries one.
local target = slot
if h_bucket ~= '' then
  redis.call('SET', scope .. ':route:' .. route, h_bucket, 'PX', 86400000)
  target = scope .. ':b:' .. h_bucket .. '|' .. major
end
if target ~= slot then
  -- Those queued while the bucket was unknown keep their places in the known one.
  for _, part in ipairs({{':q', 'MIN'}, {':qx', 'MAX'}}) do
    local from, to = slot .. part[1], target .. part[1]
    if redis.call('EXISTS', from) == 1 then
      redis.call('ZUNIONSTORE', to, 2, to, from, 'AGGREGATE', part[2])
      redis.call('DEL', from)
      redis.call('PEXPIRE', to, idle)
    end
  end
end

local function invalid()
  local minute = math.floor(now / 60000)
  local key = egress .. ':inv:' .. minute
  redis.call('INCR', key)
  redis.call('PEXPIRE', key, 660000)
  local total = 0
  for m = minute - 9, minute do
    total = total + (tonumber(redis.call('GET', egress .. ':inv:' .. m)) or 0)
  end
  if total >= ceiling then
    redis.call('SET', egress .. ':ceiling', '1', 'PX', (minute + 1) * 60000 - now)
  end
end

if what == 'lost' then
  -- Sent, and no answer: it may have counted. Take it off what is left.
  local left = tonumber(redis.call('HGET', target, 'remaining'))
  if left ~= nil and left > 0 then
    redis.call('HSET', target, 'remaining', left - 1)
  end
  redis.call('PUBLISH', channel, slot)
  return 0
end

if kind == 'ban' then
  invalid()
  redis.call('SET', egress .. ':ban', '1', 'PX', lasts)
elseif kind == 'global' then
  invalid()
  if pool == 'bot' then
    redis.call('SET', scope .. ':gblock', '1', 'PX', lasts)
  end
elseif kind == 'shared' then
  -- A shared resource's limit: held, not counted as invalid.
  redis.call('SET', scope .. ':xhold:' .. lane, '1', 'PX', lasts)
elseif kind == 'sublimit' then
  invalid()
  learn(math.max(lasts - margin, 1))
  redis.call('SET', scope .. ':hold:' .. lane, '1', 'PX', lasts)
elseif kind == 'user' then
  -- The bucket was used by someone else too: empty until the wait ends.
  invalid()
  redis.call('HSET', target, 'remaining', 0, 'reset_at', now + lasts)
  if h_limit ~= nil then
    redis.call('HSET', target, 'limit', h_limit)
  end
  redis.call('PEXPIRE', target, lasts + idle)
elseif kind == 'token' then
  invalid()
  redis.call('SET', scope .. ':dead', '1', 'PX', 86400000)
elseif kind == 'invalid' then
  invalid()
elseif kind == 'webhook' and webhook ~= '' then
  redis.call('SET', webhook, '1', 'PX', lasts)
end

if what == '429' then
  redis.call('PUBLISH', channel, slot)
  return 0
end

-- A success the first learn of the route's sublimit did not count, though the server did.
if sent_at ~= nil and tonumber(what) ~= nil and tonumber(what) < 300 then
  local sub = redis.call('HMGET', sub_key, 'lane', 'until', 'learned')
  if sub[1] == lane and sent_at > tonumber(sub[2]) and sent_at < tonumber(sub[3]) then
    redis.call('HINCRBY', sub_key, 'limit', 1)
  end
end

if h_limit ~= nil and h_remaining ~= nil and h_reset_after ~= nil then
  local new_reset = now + h_reset_after
  local state = redis.call('HMGET', target, 'reset_at', 'remaining')
  local stored_reset, stored_remaining = tonumber(state[1]), tonumber(state[2])
  if stored_reset == nil or now >= stored_reset
      or new_reset > stored_reset + math.max(h_reset_after / 2, 1) then
    -- A new window: what it says is what is left.
    redis.call('HSET', target, 'limit', h_limit, 'remaining', h_remaining,
      'reset_at', new_reset, 'period', math.max(h_reset_after, 1))
  else
    -- The same window: answers may come out of order, so keep the lowest count and
    -- the latest reset.
    redis.call('HSET', target, 'limit', h_limit,
      'remaining', math.min(stored_remaining or h_remaining, h_remaining),
      'reset_at', math.max(stored_reset, new_reset))
  end
  redis.call('PEXPIRE', target, h_reset_after + idle)
end

redis.call('PUBLISH', channel, slot)
if target ~= slot then
  redis.call('PUBLISH', channel, target)
end
return 0
