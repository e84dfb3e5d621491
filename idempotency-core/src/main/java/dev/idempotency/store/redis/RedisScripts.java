package dev.idempotency.store.redis;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.script.RedisScript;

import dev.idempotency.store.CompletionResult;

/**
 * The Lua scripts of the {@link RedisIdempotencyStore}, one per state change, and the meaning of their
 * replies. KEYS[1] is always the record key.
 */
final class RedisScripts {

	/**
	 * Returns the existing record, or creates the in-progress one with its owner and lease; nothing when
	 * the record exists and is in progress for this very owner (a claim sent again). KEYS[1] record key;
	 * ARGV[1] owner token, ARGV[2] encoded record, ARGV[3] lease in ms.
	 */
	static final RedisScript<byte[]> CLAIM = RedisScript.of("""
			local found = redis.call('HMGET', KEYS[1], 'r', 'o')
			if found[1] then
				if found[2] == ARGV[1] then return false end
				return found[1]
			end
			redis.call('HSET', KEYS[1], 'o', ARGV[1], 'r', ARGV[2])
			redis.call('PEXPIRE', KEYS[1], ARGV[3])
			return false
			""", byte[].class);

	/**
	 * Like {@link #CLAIM}, but only where a token waits (field {@code t}, its expiry in epoch ms, kept until
	 * completion so a release can give it back); an empty string when there is neither record nor token
	 * (an encoded record is never empty). Same keys and arguments as {@link #CLAIM}.
	 */
	static final RedisScript<byte[]> CLAIM_TOKEN = RedisScript.of("""
			local found = redis.call('HMGET', KEYS[1], 'r', 'o')
			if found[1] then
				if found[2] == ARGV[1] then return false end
				return found[1]
			end
			if redis.call('HEXISTS', KEYS[1], 't') == 0 then return '' end
			redis.call('HSET', KEYS[1], 'o', ARGV[1], 'r', ARGV[2])
			redis.call('PEXPIRE', KEYS[1], ARGV[3])
			return false
			""", byte[].class);

	/** Stores a token until now (Redis's clock) plus ARGV[1] ms. */
	static final RedisScript<Long> ISSUE_TOKEN = RedisScript.of("""
			local now = redis.call('TIME')
			local expiresAt = string.format('%.0f', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[1]))
			redis.call('HSET', KEYS[1], 't', expiresAt)
			redis.call('PEXPIREAT', KEYS[1], expiresAt)
			return 1
			""", Long.class);

	/**
	 * Replaces the owner's record with the completed one, which keeps the completing owner (field
	 * {@code c}), and its retention TTL; a consumed token goes with the in-progress state. Where no record
	 * is left, stores the completed one all the same. Answers 1 when stored over the owner's record or
	 * stored already by this owner (then changing nothing), 2 when stored where no record was, 0 when
	 * another owner holds or completed the record. ARGV[1] owner token, ARGV[2] encoded record, ARGV[3]
	 * retention in ms.
	 */
	static final RedisScript<Long> COMPLETE = RedisScript.of("""
			local found = redis.call('HMGET', KEYS[1], 'r', 'o', 'c')
			if found[1] then
				if found[3] == ARGV[1] then return 1 end
				if found[2] ~= ARGV[1] then return 0 end
			end
			redis.call('HDEL', KEYS[1], 'o', 't')
			redis.call('HSET', KEYS[1], 'r', ARGV[2], 'c', ARGV[1])
			redis.call('PEXPIRE', KEYS[1], ARGV[3])
			if found[1] then return 1 end
			return 2
			""", Long.class);

	/**
	 * Deletes the owner's record, or, for a record claimed with a token, gives the token back until its own
	 * expiry (at once gone if that has passed). Where no record is left (released already, expired) it
	 * changes nothing and answers 1. ARGV[1] owner token.
	 */
	static final RedisScript<Long> RELEASE = RedisScript.of("""
			local found = redis.call('HMGET', KEYS[1], 'r', 'o', 't')
			if not found[1] then return 1 end
			if found[2] ~= ARGV[1] then return 0 end
			if not found[3] then
				redis.call('DEL', KEYS[1])
				return 1
			end
			redis.call('HDEL', KEYS[1], 'o', 'r')
			redis.call('PEXPIREAT', KEYS[1], found[3])
			return 1
			""", Long.class);

	/** Resets the owner's lease. ARGV[1] owner token, ARGV[2] lease in ms. */
	static final RedisScript<Long> EXTEND_LEASE = RedisScript.of("""
			if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
			return redis.call('PEXPIRE', KEYS[1], ARGV[2])
			""", Long.class);

	private RedisScripts() {
	}

	/** The outcome of a {@link #COMPLETE} reply. */
	static CompletionResult completionResult(@Nullable Long reply) {
		if (reply == null || reply == 0L) {
			return CompletionResult.LEASE_TAKEN_OVER;
		}
		return (reply == 1L) ? CompletionResult.STORED : CompletionResult.STORED_AFTER_LEASE_EXPIRED;
	}

	/** Whether a {@link #RELEASE} or {@link #EXTEND_LEASE} reply says it succeeded. */
	static boolean isOne(@Nullable Long reply) {
		return reply != null && reply == 1L;
	}

}
