/**
 * Reads WAL segments of PostgreSQL 13 to 17 without a server: pages, records (CRC-checked, reassembled across
 * page and segment boundaries) and the records that matter for point-in-time recovery (commits, aborts,
 * restore points, checkpoints, switches, end of recovery, relation file changes).
 *
 * <p>{@link io.walden.wal.decode.SegmentDecoder} yields the {@link io.walden.wal.decode.WalRecord}s of one
 * segment; {@link io.walden.wal.decode.EventDecoder} turns records into
 * {@link io.walden.wal.decode.WalEvent}s; {@link io.walden.wal.decode.SegmentScanner} does both for a whole
 * segment and returns a {@link io.walden.wal.decode.SegmentSummary} to store beside it. Memory stays bounded by
 * one page and the largest record, whatever the segment size.
 *
 * <p>The format facts (struct layouts and flag values) are those of PostgreSQL's xlog_internal.h,
 * xlogrecord.h, xact.h, pg_control.h and friends, checked against pg_waldump by {@code WalDecoderIT}.
 */
package io.walden.wal.decode;
