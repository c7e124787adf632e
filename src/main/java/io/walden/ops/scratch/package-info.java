/**
 * Scratch instances: a throwaway copy of the backed-up cluster at a recovery target, restored into a new
 * directory on this host, for commands that need to read or change the past (restore-table), and removed
 * with everything it made when they are done.
 */
package io.walden.ops.scratch;
