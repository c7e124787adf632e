package io.walden.storage.s3;

import io.walden.error.WaldenException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the SDK client from {@link S3Settings}: HTTP client, timeouts, retries, region and endpoint. */
final class S3Clients {
    private S3Clients() {
    }

    /**
     * The region requests are signed for: the configured one, "us-east-1" for a custom endpoint, else the
     * AWS default region chain.
     */
    static String region(S3Settings settings, S3Location location) {
        String fixed = settings.fixedRegion();
        if (fixed != null) {
            return fixed;
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        } catch (SdkClientException e) {
            throw new WaldenException("no AWS region is configured for " + location,
                    "set AWS_REGION to the region of the bucket '" + location.bucket() + "'", e);
        }
    }

    static S3Client create(S3Settings settings, String region, AwsCredentialsProvider credentials) {
        // Standard mode: exponential backoff with full jitter, retrying throttling (503 SlowDown), 5xx,
        // connection resets and timeouts; 4xx answers such as 403 or 404 fail at once.
        RetryStrategy retries = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts())
                .backoffStrategy(BackoffStrategy.exponentialDelay(settings.retryBaseDelay(), settings.retryMaxDelay()))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(
                        min(settings.retryBaseDelay().multipliedBy(5), settings.retryMaxDelay()), settings.retryMaxDelay()))
                .build();
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(settings.connectTimeout())
                        .socketTimeout(settings.readTimeout())
                        // part uploads of several objects at once, plus reads, must not queue for a connection
                        .maxConnections(Math.max(50, 4 * settings.maxConcurrency())))
                .credentialsProvider(credentials)
                .region(Region.of(region))
                .forcePathStyle(settings.pathStyle())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(retries)
                        .apiCallAttemptTimeout(settings.attemptTimeout())
                        .build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    private static java.time.Duration min(java.time.Duration a, java.time.Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
