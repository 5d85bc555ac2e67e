-- bugle shared rate limits, key layout v1: acquire.
-- Decides whether one request may be sent now, for every process at once. Reads the time
-- from Redis (TIME), never from the caller. Writes only when it grants.
--
-- ARGV: 1 scope (bot or open), 2 egress scope, 3 route ("METHOD template"), 4 major,
--       5 pool ("bot", "ip", "exempt"), 6 reservation id, 7 lease ms,
--       8 global limit, 9 unauthenticated limit, 10 global window ms,
--       11 webhook key ("" when the route has no webhook), 12 idle ttl ms,
--       13 queue grace ms (how long a waiter keeps its place after its wait ends),
--       14 wake channel
-- Returns {"grant", slot} | {"wait", ms, slot-to-watch or ""} | {"refuse", why, ms}
if redis.replicate_commands then
  redis.replicate_commands()
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- Dispatch logs are kept in microseconds, so a burst keeps its order.
local now_us = tonumber(t[1]) * 1000000 + tonumber(t[2])

local scope, egress, route, major, pool = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local id = ARGV[6]
local lease = tonumber(ARGV[7])
local global_limit, open_limit, window = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local webhook, idle = ARGV[11], tonumber(ARGV[12])
local grace = tonumber(ARGV[13])

-- Refusals every process shares.
if pool == 'bot' and redis.call('EXISTS', scope .. ':dead') == 1 then
  return {'refuse', 'token', 0}
end
local ban = redis.call('PTTL', egress .. ':ban')
if ban > 0 then
  return {'refuse', 'ban', ban}
end
local ceiling = redis.call('PTTL', egress .. ':ceiling')
if ceiling > 0 then
  return {'refuse', 'ceiling', ceiling}
end
if webhook ~= '' then
  local dead = redis.call('PTTL', webhook)
  if dead > 0 then
    return {'refuse', 'webhook', dead}
  end
end

-- Holds: a global 429, a learned hidden sublimit, a shared resource's 429.
local held = 0
if pool == 'bot' then
  held = math.max(held, redis.call('PTTL', scope .. ':gblock'))
end
local lane = route .. '|' .. major
held = math.max(held, redis.call('PTTL', scope .. ':hold:' .. lane))
held = math.max(held, redis.call('PTTL', scope .. ':xhold:' .. lane))
if held > 0 then
  return {'wait', held, ''}
end

-- A hidden sublimit any process learned for the route: at most `limit` dispatches per
-- `period` on each resource, counted over every process's dispatches (a sliding log).
local sent = scope .. ':sent:' .. lane
local sub = redis.call('HMGET', scope .. ':sub:' .. route, 'limit', 'period')
local sub_limit, sub_period = tonumber(sub[1]), tonumber(sub[2])
if sub_limit ~= nil and sub_period ~= nil then
  local from = '(' .. (now_us - sub_period * 1000)
  local live = redis.call('ZCOUNT', sent, from, '+inf')
  if live >= sub_limit then
    local oldest = redis.call('ZRANGEBYSCORE', sent, from, '+inf', 'WITHSCORES',
      'LIMIT', live - sub_limit, 1)
    local free_at = tonumber(oldest[2]) + sub_period * 1000
    return {'wait', math.max(math.ceil((free_at - now_us) / 1000), 1), ''}
  end
end

-- The bucket: known by its hash once any process has seen it, else one discoverer.
local hash = redis.call('GET', scope .. ':route:' .. route)
local slot
if hash then
  slot = scope .. ':b:' .. hash .. '|' .. major
else
  slot = scope .. ':u:' .. lane
end
local fly = slot .. ':fly'
redis.call('ZREMRANGEBYSCORE', fly, '-inf', now)
local flying = redis.call('ZCARD', fly)
local state = redis.call('HMGET', slot, 'limit', 'remaining', 'reset_at', 'period')
local limit, remaining, reset_at, period =
  tonumber(state[1]), tonumber(state[2]), tonumber(state[3]), tonumber(state[4])
local refilled = false
local available
if limit == nil then
  available = 1 - flying
else
  if reset_at == nil or now >= reset_at then
    remaining = limit
    refilled = true
  end
  available = remaining - flying
end

-- The bucket's queue, across processes: the first `available` waiters, in the order
-- they first asked, may go. A waiter that stops asking (it gave up, or its process died)
-- loses its place `grace` after its wait ended.
local queue, keep = slot .. ':q', slot .. ':qx'
local gone = redis.call('ZRANGEBYSCORE', keep, '-inf', now, 'LIMIT', 0, 256)
for _, who in ipairs(gone) do
  redis.call('ZREM', queue, who)
  redis.call('ZREM', keep, who)
end
redis.call('ZADD', queue, 'NX', now, id)
local rank = redis.call('ZRANK', queue, id)

local function wait(ms, watch)
  ms = math.max(ms, 1)
  redis.call('ZADD', keep, now + ms + grace, id)
  redis.call('PEXPIRE', queue, ms + grace + idle)
  redis.call('PEXPIRE', keep, ms + grace + idle)
  return {'wait', ms, watch}
end

if available <= 0 then
  if limit ~= nil and remaining <= 0 and not refilled and reset_at > now then
    return wait(reset_at - now, slot)
  end
  local first = redis.call('ZRANGE', fly, 0, 0, 'WITHSCORES')
  local until_lease = lease
  if first[2] then
    until_lease = tonumber(first[2]) - now
  end
  return wait(until_lease, slot)
end
if rank >= available then
  -- Room, but for those ahead: they are woken too. If one of them stopped asking, its
  -- place ends with its grace.
  local ahead = redis.call('ZRANGE', queue, 0, 0)
  local head_ends = tonumber(redis.call('ZSCORE', keep, ahead[1]) or now + grace)
  return wait(head_ends - now, slot)
end

-- The global pool: a sliding log; at most `limit` grants in any `window`.
if pool ~= 'exempt' then
  local log, cap
  if pool == 'bot' then
    log, cap = scope .. ':global', global_limit
  else
    log, cap = egress .. ':global', open_limit
  end
  redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
  if redis.call('ZCARD', log) >= cap then
    local oldest = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
    return wait(tonumber(oldest[2]) + window - now, '')
  end
  redis.call('ZADD', log, now, id)
  redis.call('PEXPIRE', log, window * 2)
end

-- Grant: reserve the capacity until completed or the lease ends.
if refilled then
  local next_reset = now + (period or 1000)
  redis.call('HSET', slot, 'remaining', limit, 'reset_at', next_reset)
  redis.call('PEXPIRE', slot, next_reset - now + idle)
end
redis.call('ZADD', fly, now + lease, id)
redis.call('PEXPIRE', fly, lease + idle)
-- The resource's recent dispatches, from every process: what a hidden sublimit is
-- learned from and enforced on. The newest 128 are kept.
redis.call('ZADD', sent, now_us, id)
redis.call('ZREMRANGEBYRANK', sent, 0, -129)
redis.call('PEXPIRE', sent, math.max(idle, (sub_period or 0) * 2))
redis.call('ZREM', queue, id)
redis.call('ZREM', keep, id)
-- Room left and someone waiting: the next in line may go too.
if available > 1 and redis.call('ZCARD', queue) > 0 then
  redis.call('PUBLISH', ARGV[14], slot)
end
return {'grant', slot}
