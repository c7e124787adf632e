/**
 * WAL streaming over a physical replication slot: where to start ({@link io.walden.wal.stream.ResumePoint}),
 * the local copy of the segment being received ({@link io.walden.wal.stream.SegmentStaging}), making it durable
 * in the repository as a {@code .partial} object and, once complete, as the segment wal-push would store
 * ({@link io.walden.wal.stream.StreamStore}), and the loop that ties them to the server and acknowledges only
 * what is durable ({@link io.walden.wal.stream.WalStreamer}).
 */
package io.walden.wal.stream;
