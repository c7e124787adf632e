/**
 * Preview: a read-only scratch instance restored into a temporary directory and paused at a recovery target,
 * so the operator can look at the data before choosing a target; remembered per repository on this host,
 * moved forward in place, and stopped leaving no process and no directory behind.
 */
package io.walden.ops.preview;
