package io.regen.realtime.gateway.presence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts behind {@link RedisPresenceRegistry}. Each one is atomic (Redis runs a script
 * alone) and reads the clock with {@code TIME}, so every gateway node judges expiry by the same
 * clock: Redis's. Key layout (prefix {@code P}):
 *
 * <ul>
 *   <li>{@code P u:<userId>}: zset, member {@code <sessionId>@<node>}, score = expiry (epoch ms);
 *       the key itself expires with its last member.
 *   <li>{@code P n:<node>}: hash {@code sessionId -> userId}, the node's sessions, for heartbeats;
 *       expires {@code ttl} after the node's last connect or heartbeat.
 *   <li>{@code P online}: zset, member userId, score = expiry of the user's latest session.
 *   <li>{@code P seen:<userId>}: string, last seen (epoch ms), kept for the last-seen retention.
 * </ul>
 */
final class RedisPresenceScripts {
  private RedisPresenceScripts() {}

  private static final String NOW =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      """;

  /** Expiry of a user key := its highest score; deletes it when empty. */
  private static final String EXPIRE_USER_KEY =
      """
      local function expire_user_key(key)
        local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
        if #top == 0 then return nil end
        redis.call('PEXPIREAT', key, top[2])
        return top[2]
      end
      """;

  /**
   * KEYS: user zset, node hash, online zset, seen key. ARGV: member, sessionId, userId, ttl ms,
   * seen retention ms.
   */
  static final Script CONNECT =
      new Script(
          NOW
              + EXPIRE_USER_KEY
              + """
              local ttl = tonumber(ARGV[4])
              local exp = now + ttl
              redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
              redis.call('ZADD', KEYS[1], exp, ARGV[1])
              expire_user_key(KEYS[1])
              redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
              redis.call('PEXPIRE', KEYS[2], ttl)
              redis.call('ZADD', KEYS[3], 'GT', exp, ARGV[3])
              redis.call('SET', KEYS[4], now, 'PX', ARGV[5])
              return now
              """);

  /**
   * KEYS: user zset, node hash, online zset, seen key. ARGV: member, sessionId, userId, retention.
   */
  static final Script DISCONNECT =
      new Script(
          NOW
              + EXPIRE_USER_KEY
              + """
              local removed = redis.call('ZREM', KEYS[1], ARGV[1])
              if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[3] then
                redis.call('HDEL', KEYS[2], ARGV[2])
              end
              if removed == 0 then return 0 end
              redis.call('SET', KEYS[4], now, 'PX', ARGV[4])
              redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
              local top = expire_user_key(KEYS[1])
              if top then
                redis.call('ZADD', KEYS[3], top, ARGV[3])
              else
                redis.call('ZREM', KEYS[3], ARGV[3])
              end
              return 1
              """);

  /**
   * One bounded chunk of a heartbeat (HSCAN of the node hash from a cursor). KEYS: node hash,
   * online zset. ARGV: node, ttl ms, seen retention ms, key prefix, cursor, chunk size. Returns
   * {next cursor, sessions refreshed}. Expired sessions are not revived: they are dropped from the
   * hash.
   */
  static final Script HEARTBEAT_CHUNK =
      new Script(
          NOW
              + EXPIRE_USER_KEY
              + """
              local ttl = tonumber(ARGV[2])
              local exp = now + ttl
              local scan = redis.call('HSCAN', KEYS[1], ARGV[5], 'COUNT', ARGV[6])
              local entries = scan[2]
              local refreshed = 0
              for i = 1, #entries, 2 do
                local sid = entries[i]
                local uid = entries[i + 1]
                local ukey = ARGV[4] .. 'u:' .. uid
                local member = sid .. '@' .. ARGV[1]
                local score = redis.call('ZSCORE', ukey, member)
                if score and tonumber(score) > now then
                  redis.call('ZADD', ukey, exp, member)
                  expire_user_key(ukey)
                  redis.call('ZADD', KEYS[2], 'GT', exp, uid)
                  redis.call('SET', ARGV[4] .. 'seen:' .. uid, now, 'PX', ARGV[3])
                  refreshed = refreshed + 1
                else
                  redis.call('HDEL', KEYS[1], sid)
                  if score then redis.call('ZREM', ukey, member) end
                end
              end
              if refreshed > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
              return {scan[1], refreshed}
              """);

  /** KEYS: user zset, seen key. Returns {last seen or '', live members...}. */
  static final Script PRESENCE =
      new Script(
          NOW
              + """
              local seen = redis.call('GET', KEYS[2]) or ''
              local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
              local reply = {seen}
              for i = 1, #live do reply[i + 1] = live[i] end
              return reply
              """);

  /** KEYS: online zset. Drops lapsed users, returns how many remain. */
  static final Script ONLINE_USERS =
      new Script(
          NOW
              + """
              redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
              return redis.call('ZCARD', KEYS[1])
              """);

  /** A script's text and its SHA-1, for EVALSHA with an EVAL fallback after a Redis restart. */
  record Script(String text, String sha) {
    Script(String text) {
      this(text, sha1(text));
    }

    private static String sha1(String text) {
      try {
        return HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 is always available", e);
      }
    }
  }
}
