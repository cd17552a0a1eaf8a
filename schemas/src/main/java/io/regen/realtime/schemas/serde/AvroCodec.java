package io.regen.realtime.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro binary encoding, the one core of every serde of the platform: the registry-framed ones
 * (header + body) and the plain one for state stores ({@link AvroBinarySerde}, body only).
 */
final class AvroCodec {
  /** The platform's generated record classes (events, state values) share this package root. */
  private static final String PLATFORM_PACKAGE = "io.regen.realtime.";

  static {
    // Avro 1.12 resolves record classes by name only if they pass a JVM-wide validator, which
    // trusts just java.* and Avro's own classes by default; without this every read of a generated
    // record fails with "Forbidden io.regen.realtime.events.JobEvent".
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            ClassSecurityValidator.getGlobal(), c -> c.getName().startsWith(PLATFORM_PACKAGE)));
  }

  private AvroCodec() {}

  /** Runs the class initializer above (once per JVM) before a serde reads anything. */
  static void trustPlatformClasses() {}

  /** {@code headerBytes} zero bytes (for the caller to fill), then the Avro binary of value. */
  static <T> byte[] encode(DatumWriter<T> writer, T value, int headerBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(new byte[headerBytes]);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    writer.write(value, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /** The record whose Avro binary starts at {@code offset} of data. */
  static <T> T decode(DatumReader<T> reader, byte[] data, int offset) throws IOException {
    BinaryDecoder decoder =
        DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, null);
    return reader.read(null, decoder);
  }
}
