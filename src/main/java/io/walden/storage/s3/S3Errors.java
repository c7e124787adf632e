package io.walden.storage.s3;

import io.walden.error.WaldenException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the SDK throws into what walden reports. Failures no retry can fix (refused credentials, a
 * missing bucket, the wrong region, an endpoint that does not exist) become a {@link WaldenException} that
 * says what to change; anything else becomes an {@link IOException} naming the operation and the object.
 * Messages carry error codes and server messages, never credentials.
 */
final class S3Errors {
    private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AllAccessDisabled",
            "AccountProblem", "InvalidSecurity", "InvalidClientTokenId", "UnrecognizedClientException");
    private static final Set<String> WRONG_REGION = Set.of("PermanentRedirect", "AuthorizationHeaderMalformed",
            "IllegalLocationConstraintException");
    private static final String CHECK_CREDENTIALS = "check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the instance role";
    // AuthorizationHeaderMalformed says "the region 'us-east-1' is wrong; expecting 'eu-west-1'"
    private static final Pattern EXPECTING = Pattern.compile("expecting '([a-z0-9-]+)'");

    private final S3Location location;
    private final URI endpoint;
    private final String region;

    /**
     * @param endpoint the configured endpoint, or null for AWS
     * @param region   the region requests are signed for
     */
    S3Errors(S3Location location, URI endpoint, String region) {
        this.location = location;
        this.endpoint = endpoint;
        this.region = region;
    }

    /**
     * Throws the {@link WaldenException} for a permanent failure, or returns the {@link IOException} for the
     * caller to throw.
     *
     * @param action what was being done, e.g. "upload of" or "listing of"
     * @param key    the storage key (or prefix) it was done to
     */
    IOException translate(String action, String key, SdkException e) {
        WaldenException permanent = permanent(e);
        if (permanent != null) {
            throw permanent;
        }
        return new IOException("S3 " + action + " " + location.key(key) + " in s3://" + location.bucket() + " failed"
                + attempts(e) + ": " + describe(e), e);
    }

    /** The operator-facing error for a failure that retrying cannot fix, or null if it is not one. */
    WaldenException permanent(SdkException e) {
        if (e instanceof AwsServiceException s) {
            return permanentServiceError(s);
        }
        return permanentClientError(e);
    }

    private WaldenException permanentServiceError(AwsServiceException e) {
        String code = String.valueOf(code(e)); // Set.of(...).contains(null) would throw
        int status = e.statusCode();
        String bucket = "'" + location.bucket() + "'";
        if ("NoSuchBucket".equals(code)) {
            return noSuchBucket(e);
        }
        Optional<String> bucketRegion = header(e, "x-amz-bucket-region").or(() -> expectedRegion(e));
        boolean otherRegion = bucketRegion.isPresent() && !bucketRegion.get().equals(region);
        if (status == 301 || WRONG_REGION.contains(code) || (status == 400 && otherRegion)) {
            return new WaldenException("the S3 bucket " + bucket + " is "
                    + bucketRegion.map(r -> "in region " + r).orElse("in another region")
                    + ", not in " + region + " that walden signed its requests for",
                    "set AWS_REGION=" + bucketRegion.orElse("<the bucket's region>"), e);
        }
        if ("RequestTimeTooSkewed".equals(code)) {
            return new WaldenException("S3 refused the request to bucket " + bucket + ": this machine's clock is off",
                    "synchronise the clock (NTP)", e);
        }
        if (ACCESS_DENIED.contains(code) || status == 403) {
            return new WaldenException("S3 refused access to the bucket " + bucket + at() + " ("
                    + (code(e) == null ? status + " Forbidden" : code) + ")",
                    CHECK_CREDENTIALS + ", and that it may read, write, list and delete under " + location, e);
        }
        return null;
    }

    WaldenException noSuchBucket(SdkException cause) {
        return new WaldenException("the S3 bucket '" + location.bucket() + "' does not exist" + at(),
                "create the bucket, or fix --repo (" + location + ")", cause);
    }

    private WaldenException permanentClientError(SdkException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unable to load credentials")) {
            return new WaldenException("no AWS credentials were found for " + location,
                    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an instance role", e);
        }
        UnknownHostException unknownHost = cause(e, UnknownHostException.class);
        if (unknownHost != null) {
            return endpoint != null
                    ? new WaldenException("cannot resolve the S3 endpoint " + endpoint + " (unknown host "
                            + unknownHost.getMessage() + ")", "check WALDEN_S3_ENDPOINT", e)
                    : new WaldenException("cannot resolve the S3 host " + unknownHost.getMessage() + " for " + location,
                            "check the network and DNS, and AWS_REGION (now " + region + ")", e);
        }
        ConnectException refused = cause(e, ConnectException.class);
        if (refused != null) {
            return endpoint != null
                    ? new WaldenException("cannot connect to the S3 endpoint " + endpoint + " ("
                            + refused.getMessage() + ")", "check that the S3 server is running, and WALDEN_S3_ENDPOINT", e)
                    : new WaldenException("cannot connect to S3 for " + location + " (" + refused.getMessage() + ")",
                            "check the network, firewall and proxy settings", e);
        }
        return null;
    }

    private String at() {
        return endpoint == null ? "" : " at " + endpoint;
    }

    static String code(SdkException e) {
        if (e instanceof AwsServiceException s) {
            AwsErrorDetails details = s.awsErrorDetails();
            if (details != null && details.errorCode() != null && !details.errorCode().isEmpty()) {
                return details.errorCode();
            }
        }
        return null;
    }

    static boolean hasStatus(SdkException e, int status) {
        return e instanceof AwsServiceException s && s.statusCode() == status;
    }

    private static Optional<String> header(AwsServiceException e, String name) {
        AwsErrorDetails details = e.awsErrorDetails();
        if (details == null || details.sdkHttpResponse() == null) {
            return Optional.empty();
        }
        return details.sdkHttpResponse().firstMatchingHeader(name).filter(v -> !v.isBlank());
    }

    private static Optional<String> expectedRegion(AwsServiceException e) {
        AwsErrorDetails details = e.awsErrorDetails();
        if (details == null || details.errorMessage() == null) {
            return Optional.empty();
        }
        Matcher m = EXPECTING.matcher(details.errorMessage());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String attempts(SdkException e) {
        Integer n = e.numAttempts();
        return n != null && n > 1 ? " after " + n + " attempts" : "";
    }

    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException s) {
            AwsErrorDetails details = s.awsErrorDetails();
            String code = code(s);
            String text = details == null ? null : details.errorMessage();
            return s.statusCode() + (code == null ? "" : " " + code) + (text == null ? "" : " (" + text + ")");
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }
}
