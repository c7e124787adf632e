package io.walden.storage.s3;

import io.walden.error.WaldenException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3ErrorsTest {
    private static final S3Location LOCATION = S3Location.parse("s3://acme-backups/pg/main");
    private static final URI MINIO = URI.create("http://minio.internal:9000");

    private final S3Errors aws = new S3Errors(LOCATION, null, "us-east-1");
    private final S3Errors minio = new S3Errors(LOCATION, MINIO, "us-east-1");

    private static S3Exception s3(int status, String code, String message, String... headers) {
        SdkHttpResponse.Builder http = SdkHttpResponse.builder().statusCode(status);
        for (int i = 0; i < headers.length; i += 2) {
            http.putHeader(headers[i], headers[i + 1]);
        }
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .numAttempts(1)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).sdkHttpResponse(http.build()).build())
                .build();
    }

    private static SdkClientException client(String message, Throwable cause) {
        return SdkClientException.builder().message(message).cause(cause).numAttempts(8).build();
    }

    @Test
    void permanentFailuresAreThrownByTranslate() {
        assertThatThrownBy(() -> aws.translate("upload of", "k", s3(404, "NoSuchBucket", "x")))
                .isInstanceOf(WaldenException.class).hasMessageContaining("does not exist");
    }

    @Test
    void refusedCredentialsNameTheBucketAndWhereCredentialsComeFrom() {
        for (S3Exception e : new S3Exception[] {
                s3(403, "AccessDenied", "Access Denied"),
                s3(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."),
                s3(403, "SignatureDoesNotMatch", "The request signature we calculated does not match"),
                s3(400, "ExpiredToken", "The provided token has expired."),
                s3(403, null, null), // a HEAD: no body, no code
        }) {
            WaldenException w = aws.permanent(e);
            assertThat(w).as(e.toString()).isNotNull();
            assertThat(w.getMessage()).contains("refused access to the bucket 'acme-backups'");
            assertThat(w.hint()).startsWith("check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the instance role")
                    .contains("s3://acme-backups/pg/main");
        }
        assertThat(aws.permanent(s3(403, null, null)).getMessage()).contains("(403 Forbidden)");
        assertThat(aws.permanent(s3(403, "InvalidAccessKeyId", "x")).getMessage()).contains("(InvalidAccessKeyId)");
    }

    @Test
    void aMissingBucketIsNamedWithTheRepositoryToFix() {
        WaldenException w = minio.permanent(s3(404, "NoSuchBucket", "The specified bucket does not exist"));
        assertThat(w.getMessage()).isEqualTo("the S3 bucket 'acme-backups' does not exist at http://minio.internal:9000");
        assertThat(w.hint()).isEqualTo("create the bucket, or fix --repo (s3://acme-backups/pg/main)");
        assertThat(aws.permanent(s3(404, "NoSuchBucket", "x")).getMessage()).isEqualTo("the S3 bucket 'acme-backups' does not exist");
    }

    @Test
    void theWrongRegionSaysWhichIsRight() {
        WaldenException redirect = aws.permanent(s3(301, "PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint.",
                "x-amz-bucket-region", "eu-west-1"));
        assertThat(redirect.getMessage()).contains("'acme-backups' is in region eu-west-1, not in us-east-1");
        assertThat(redirect.hint()).isEqualTo("set AWS_REGION=eu-west-1");

        WaldenException malformed = aws.permanent(s3(400, "AuthorizationHeaderMalformed",
                "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-central-1'"));
        assertThat(malformed.hint()).isEqualTo("set AWS_REGION=eu-central-1");

        WaldenException head = aws.permanent(s3(400, null, null, "x-amz-bucket-region", "ap-south-1"));
        assertThat(head.hint()).isEqualTo("set AWS_REGION=ap-south-1");

        WaldenException unknown = aws.permanent(s3(301, null, null));
        assertThat(unknown.getMessage()).contains("is in another region");
        assertThat(unknown.hint()).contains("AWS_REGION");

        assertThat(aws.permanent(s3(400, "InvalidArgument", "bad", "x-amz-bucket-region", "us-east-1")))
                .as("a 400 in the right region is not about the region").isNull();
    }

    @Test
    void aClockThatIsOffIsSaidSo() {
        assertThat(aws.permanent(s3(403, "RequestTimeTooSkewed", "The difference ... is too large")).hint()).contains("clock");
    }

    @Test
    void anEndpointThatDoesNotResolveOrAnswerIsNamed() {
        WaldenException unknownHost = minio.permanent(client("Unable to execute HTTP request: minio.internal",
                new UnknownHostException("minio.internal")));
        assertThat(unknownHost.getMessage()).contains("http://minio.internal:9000").contains("unknown host");
        assertThat(unknownHost.hint()).contains("WALDEN_S3_ENDPOINT");

        WaldenException refused = minio.permanent(client("Unable to execute HTTP request: Connection refused",
                new ConnectException("Connection refused")));
        assertThat(refused.getMessage()).contains("cannot connect to the S3 endpoint http://minio.internal:9000");
        assertThat(refused.hint()).contains("WALDEN_S3_ENDPOINT");

        WaldenException awsHost = aws.permanent(client("Unable to execute HTTP request",
                new UnknownHostException("acme-backups.s3.us-east-1.amazonaws.com")));
        assertThat(awsHost.getMessage()).contains("acme-backups.s3.us-east-1.amazonaws.com");
        assertThat(awsHost.hint()).contains("AWS_REGION");
    }

    @Test
    void noCredentialsAtAllSaysWhereToPutThem() {
        WaldenException w = aws.permanent(client("Unable to load credentials from any of the providers in the chain", null));
        assertThat(w.getMessage()).contains("no AWS credentials");
        assertThat(w.hint()).contains("AWS_ACCESS_KEY_ID").contains("AWS_PROFILE").contains("instance role");
    }

    @Test
    void transientFailuresBecomeIOExceptionsNamingTheObject() {
        S3Exception internal = (S3Exception) s3(500, "InternalError", "We encountered an internal error.").toBuilder().numAttempts(8).build();
        assertThat(aws.permanent(internal)).isNull();
        IOException e = aws.translate("upload of", "wal/000000010000000000000001", internal);
        assertThat(e).hasMessage("S3 upload of pg/main/wal/000000010000000000000001 in s3://acme-backups failed after 8 attempts: "
                + "500 InternalError (We encountered an internal error.)");
        assertThat(e.getCause()).isSameAs(internal);

        SdkClientException timeout = client("Unable to execute HTTP request: Read timed out", new SocketTimeoutException("Read timed out"));
        assertThat(aws.translate("download of", "k", timeout).getMessage())
                .contains("failed after 8 attempts").contains("Read timed out");

        assertThat(aws.permanent(s3(404, "NoSuchKey", "The specified key does not exist."))).isNull();
        assertThat(aws.permanent(s3(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"))).isNull();
    }
}
