package io.walden.it;

/** The crash subset of {@link CrashMatrixMajors} on PostgreSQL 13. */
class CrashMatrixPg13IT extends CrashMatrixMajors {
    @Override
    int major() {
        return 13;
    }
}
