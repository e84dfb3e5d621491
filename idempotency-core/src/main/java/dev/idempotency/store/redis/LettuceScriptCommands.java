package dev.idempotency.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Sends the {@link RedisIdempotencyStore}'s scripts straight to Lettuce's native asynchronous connection
 * as {@code EVALSHA} ({@code EVAL} when the server does not know the script), and waits for each reply at
 * most the timeout, cancelling a command still unanswered then. The calling thread does the waiting.
 */
final class LettuceScriptCommands {

	private final RedisTemplate<byte[], byte[]> template;

	private final Duration timeout;

	LettuceScriptCommands(RedisConnectionFactory connectionFactory, Duration timeout) {
		this.template = new RedisTemplate<>();
		this.template.setConnectionFactory(connectionFactory);
		this.template.setEnableDefaultSerializer(false);
		this.template.afterPropertiesSet();
		this.timeout = timeout;
	}

	/** Runs one script on one key. */
	<T> @Nullable T run(RedisScript<?> script, ScriptOutputType outputType, byte[] key, byte[][] args) {
		return this.template.execute((RedisCallback<T>) (connection) -> evalSha(nativeCommands(connection), script,
				outputType, new byte[][] { key }, args, this.timeout));
	}

	/**
	 * {@link RedisScripts#COMPLETE}, then, when it stored the record, {@code WAIT durableReplicas
	 * durableTimeout}, on one connection: {@code WAIT} counts the writes of the connection it is sent on.
	 * @return the completion's reply (0 when not stored) and the number of replicas that acknowledged it
	 * (0 when not stored, -1 when {@code WAIT} gave no answer)
	 */
	long[] completeAndWait(byte[] key, byte[][] args, int durableReplicas, Duration durableTimeout) {
		return this.template.execute((RedisCallback<long[]>) (connection) -> {
			RedisClusterAsyncCommands<byte[], byte[]> commands = nativeCommands(connection);
			Long completed = evalSha(commands, RedisScripts.COMPLETE, ScriptOutputType.INTEGER, new byte[][] { key },
					args, this.timeout);
			if (!RedisScripts.completionResult(completed).isStored()) {
				return new long[] { 0, 0 };
			}
			Long acknowledged = await(commands.waitForReplication(durableReplicas, durableTimeout.toMillis()),
					this.timeout.plus(durableTimeout));
			return new long[] { completed, (acknowledged != null) ? acknowledged : -1 };
		});
	}

	/**
	 * Sends every {@link RedisScripts#EXTEND_LEASE} at once, {@code EVALSHA} after {@code EVALSHA} without
	 * waiting (Lettuce pipelines them), then awaits all their replies within one timeout.
	 * @param keysAndArgs per record, its key then the script's arguments
	 * @return the ids whose lease was not extended
	 */
	Set<String> extendLeases(List<String> ids, byte[][][] keysAndArgs) {
		return this.template.execute((RedisCallback<Set<String>>) (connection) -> {
			RedisClusterAsyncCommands<byte[], byte[]> commands = nativeCommands(connection);
			long deadline = System.nanoTime() + this.timeout.toNanos();
			List<RedisFuture<Long>> replies = new ArrayList<>(ids.size());
			for (int i = 0; i < ids.size(); i++) {
				replies.add(commands.evalsha(RedisScripts.EXTEND_LEASE.getSha1(), ScriptOutputType.INTEGER,
						new byte[][] { keysAndArgs[i][0] }, keysAndArgs[i][1], keysAndArgs[i][2]));
			}
			try {
				List<Integer> unloaded = new ArrayList<>();
				Set<String> lost = new HashSet<>();
				for (int i = 0; i < ids.size(); i++) {
					try {
						if (!RedisScripts.isOne(awaitUntil(replies.get(i), deadline, this.timeout))) {
							lost.add(ids.get(i));
						}
					}
					catch (RedisNoScriptException ex) {
						unloaded.add(i);
					}
				}
				if (!unloaded.isEmpty()) {
					byte[] script = RedisScripts.EXTEND_LEASE.getScriptAsString().getBytes(StandardCharsets.UTF_8);
					replies.clear();
					for (int i : unloaded) {
						replies.add(commands.eval(script, ScriptOutputType.INTEGER, new byte[][] { keysAndArgs[i][0] },
								keysAndArgs[i][1], keysAndArgs[i][2]));
					}
					for (int i = 0; i < unloaded.size(); i++) {
						if (!RedisScripts.isOne(awaitUntil(replies.get(i), deadline, this.timeout))) {
							lost.add(ids.get(unloaded.get(i)));
						}
					}
				}
				return lost;
			}
			catch (RuntimeException ex) {
				replies.forEach((reply) -> reply.cancel(true));
				throw ex;
			}
		});
	}

	/** {@code CONFIG GET parameter}. */
	@Nullable Properties getConfig(String parameter) {
		return this.template.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands()
			.getConfig(parameter));
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> nativeCommands(RedisConnection connection) {
		return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

	private static <T> @Nullable T evalSha(RedisClusterAsyncCommands<byte[], byte[]> commands, RedisScript<?> script,
			ScriptOutputType outputType, byte[][] keys, byte[][] args, Duration timeout) {
		try {
			return await(commands.<T>evalsha(script.getSha1(), outputType, keys, args), timeout);
		}
		catch (RedisNoScriptException ex) {
			return await(commands.<T>eval(script.getScriptAsString().getBytes(StandardCharsets.UTF_8), outputType,
					keys, args), timeout);
		}
	}

	private static <T> @Nullable T await(RedisFuture<T> future, Duration timeout) {
		return awaitUntil(future, System.nanoTime() + timeout.toNanos(), timeout);
	}

	/**
	 * Waits for a reply until the deadline. A command still unanswered then is cancelled: Lettuce keeps
	 * the commands of a dropped connection and sends them after reconnecting, but skips cancelled ones
	 * ({@code LettuceReconnectBehaviourTest}), so a claim the caller gave up on cannot land later and hold
	 * the key for a lease. One already on the wire may still run.
	 */
	private static <T> @Nullable T awaitUntil(RedisFuture<T> future, long deadlineNanos, Duration timeout) {
		try {
			return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new IllegalStateException("No answer from Redis within " + timeout, ex);
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex.getCause());
		}
	}

}
