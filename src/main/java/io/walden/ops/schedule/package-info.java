/**
 * Scheduled jobs of the daemon: cron expressions ({@link io.walden.ops.schedule.CronSchedule}), what runs when
 * ({@link io.walden.ops.schedule.Schedule}), and the {@link io.walden.ops.schedule.Scheduler}, which runs due jobs one
 * at a time, retries failed runs and never drops a run without saying so. Jobs themselves are walden commands run
 * as child processes ({@link io.walden.ops.schedule.ProcessJobRunner}), so a failing or memory-hungry job cannot
 * take WAL streaming down with it.
 */
package io.walden.ops.schedule;
