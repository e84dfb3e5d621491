package dev.idempotency.benchmarks.memory;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.idempotency.Idempotent;

/**
 * The application of the memory run ({@link MemoryBenchmark}): the starter with its Redis store, and
 * {@code @Idempotent} endpoints answering a given number of bytes. The answer is written in 8 KiB chunks
 * from one shared constant array, so the application itself allocates nothing per byte: whatever the heap
 * holds per answer is the filter's and the store's. Not part of the library.
 */
@SpringBootApplication
public class MemoryApp {

	/** The largest answer the endpoints write. */
	static final int MAX_SIZE = 64 * 1024 * 1024;

	public static void main(String[] args) {
		SpringApplication.run(MemoryApp.class, args);
	}

	/**
	 * Byte {@code i} of every answer, from {@link Answers#headerLength} on: the client checks every byte of
	 * what it gets against it.
	 */
	static byte patternByte(int i) {
		return (byte) ('!' + ((i * 31 + (i >>> 10)) % 90));
	}

	/** The first bytes of an answer: the idempotency key it was sent with, then a newline. */
	static byte[] head(String key) {
		return (key + "\n").getBytes(StandardCharsets.US_ASCII);
	}

	@RestController
	public static class Answers {

		private static volatile byte[] pattern = new byte[0];

		/** An ordinary answer of {@code size} bytes: kept for replay up to {@code idempotency.max-response-body}. */
		@Idempotent
		@PostMapping("/answers")
		public void answer(@RequestParam int size, @RequestHeader("Idempotency-Key") String key, HttpServletResponse response)
				throws IOException {
			response.setStatus(201);
			response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
			response.setContentLength(size);
			write(response.getOutputStream(), key, size);
		}

		/** A streamed answer ({@code StreamingResponseBody}): never kept, whatever its size. */
		@Idempotent
		@PostMapping("/streamed")
		public ResponseEntity<StreamingResponseBody> streamed(@RequestParam int size,
				@RequestHeader("Idempotency-Key") String key) {
			return ResponseEntity.status(201)
				.contentType(MediaType.APPLICATION_OCTET_STREAM)
				.body((out) -> write(out, key, size));
		}

		/**
		 * A full GC, then the heap in use (plain text, {@code name=value} lines): what the run samples. Not
		 * idempotent, so the filter lets it through untouched.
		 */
		@GetMapping(path = "/heap", produces = MediaType.TEXT_PLAIN_VALUE)
		public String heap() {
			System.gc();
			MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
			long direct = 0;
			for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
				if (pool.getName().equals("direct")) {
					direct = pool.getMemoryUsed();
				}
			}
			long collections = 0;
			long collectionMillis = 0;
			for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
				collections += Math.max(0, gc.getCollectionCount());
				collectionMillis += Math.max(0, gc.getCollectionTime());
			}
			return "used=" + heap.getUsed() + "\ncommitted=" + heap.getCommitted() + "\nmax=" + heap.getMax() + "\ndirect="
					+ direct + "\ngcCount=" + collections + "\ngcMillis=" + collectionMillis + "\n";
		}

		private static void write(OutputStream out, String key, int size) throws IOException {
			if (size < 0 || size > MAX_SIZE) {
				throw new IllegalArgumentException("size must be 0.." + MAX_SIZE);
			}
			byte[] head = head(key);
			int headLength = Math.min(head.length, size);
			out.write(head, 0, headLength);
			byte[] bytes = pattern(size);
			for (int offset = headLength; offset < size; offset += 8192) {
				out.write(bytes, offset, Math.min(8192, size - offset));
			}
		}

		/** The shared pattern, at least {@code size} bytes; grown (rarely: once per new largest size) when needed. */
		private static byte[] pattern(int size) {
			byte[] bytes = pattern;
			if (bytes.length < size) {
				synchronized (Answers.class) {
					bytes = pattern;
					if (bytes.length < size) {
						bytes = new byte[size];
						for (int i = 0; i < size; i++) {
							bytes[i] = patternByte(i);
						}
						pattern = bytes;
					}
				}
			}
			return bytes;
		}

	}

}
