/**
 * Checkpoints: named tensors plus string metadata, saved atomically and verified on load.
 *
 * <h2>File format, version 1</h2>
 *
 * All integers are big-endian; {@code u8}/{@code u32}/{@code u64} are unsigned.
 *
 * <pre>
 * header (24 bytes)
 *   0   8 bytes  magic, the ASCII text "NNETCKPT"
 *   8   u32      format version (1)
 *   12  u64      payload length in bytes
 *   20  u32      CRC-32 (java.util.zip.CRC32, as in zip and PNG) of the payload bytes
 * payload
 *   u32          number of metadata entries, then for each: string key, string value
 *   u32          number of tensors, then for each:
 *                  string name
 *                  u8      dtype: 0 = f32, 1 = i64, 2 = bool
 *                  u8      rank r, then r × u32 dimensions
 *                  data    the elements in row-major order:
 *                          f32 as 4-byte IEEE 754, i64 as 8-byte two's complement, bool as one byte 0 or 1
 * string = u32 length in bytes, then that many bytes of UTF-8
 * </pre>
 *
 * <p>The file ends exactly where the payload ends. Entries keep the order they were saved in.
 *
 * <h2>Atomic saves</h2>
 *
 * A checkpoint is written to a temporary file in the same directory, flushed to the disk ({@code
 * FileChannel.force}), then renamed over the target with {@code ATOMIC_MOVE}. A crash or a full
 * disk at any point leaves either the old checkpoint or the new one, never a mixture; the CRC
 * catches damage that happens afterwards.
 */
package dev.nnet.runtime.checkpoint;
