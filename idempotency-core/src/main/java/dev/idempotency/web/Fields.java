package dev.idempotency.web;

import java.io.ByteArrayOutputStream;

/** Writes the length-prefixed fields that the body part of a fingerprint is made of. */
final class Fields {

	private Fields() {
	}

	static void write(ByteArrayOutputStream out, byte[] field) {
		int length = field.length;
		out.write(length >>> 24);
		out.write(length >>> 16);
		out.write(length >>> 8);
		out.write(length);
		out.writeBytes(field);
	}

}
