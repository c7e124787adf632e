/**
 * walden daemon: the long-running process beside one database. It streams WAL into the repository
 * ({@link io.walden.wal.stream.WalStreamer}) and answers /metrics and /health over HTTP
 * ({@link io.walden.ops.daemon.DaemonHttp}).
 */
package io.walden.ops.daemon;
