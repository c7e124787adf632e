/**
 * What walden knows of a repository, as Prometheus metrics: a snapshot of the repository
 * ({@link io.walden.ops.metrics.RepositorySnapshot}), its rendering in the text exposition format
 * ({@link io.walden.ops.metrics.MetricsText}, {@link io.walden.ops.metrics.RepositoryMetrics}), and the push to a
 * Pushgateway ({@link io.walden.ops.metrics.Pushgateway}). The daemon serves the same families, with its streaming
 * and schedule metrics added.
 */
package io.walden.ops.metrics;
