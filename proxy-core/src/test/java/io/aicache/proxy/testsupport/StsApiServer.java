package io.aicache.proxy.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;

/**
 * The part of AWS STS that EKS service accounts (IRSA) use, as its query protocol has it: a form
 * {@code Action=AssumeRoleWithWebIdentity} with the role and the service account's token, answered with
 * temporary AWS credentials in XML. The {@link #requests() forms received} are kept for tests to look at.
 */
public final class StsApiServer implements AutoCloseable {

    private final LoopbackHttpServer server = new LoopbackHttpServer("sts-api");
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private final String accessKeyId;
    private final String sessionToken;

    /** Hands out {@code accessKeyId} with session token {@code sessionToken}, valid for an hour. */
    public StsApiServer(String accessKeyId, String sessionToken) {
        this.accessKeyId = accessKeyId;
        this.sessionToken = sessionToken;
        server.serve(this::answer);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** Each request's form fields, decoded. */
    public List<Map<String, String>> requests() {
        return List.copyOf(requests);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String form;
        try (InputStream in = exchange.getRequestBody()) {
            form = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> fields = Arrays.stream(form.split("&")).filter(pair -> pair.contains("="))
                .collect(Collectors.toMap(pair -> decode(pair.substring(0, pair.indexOf('='))),
                        pair -> decode(pair.substring(pair.indexOf('=') + 1))));
        requests.add(fields);
        boolean assume = "AssumeRoleWithWebIdentity".equals(fields.get("Action"));
        String xml = assume ? """
                <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleWithWebIdentityResult>
                    <Credentials>
                      <AccessKeyId>%s</AccessKeyId>
                      <SecretAccessKey>sts-issued-secret</SecretAccessKey>
                      <SessionToken>%s</SessionToken>
                      <Expiration>%s</Expiration>
                    </Credentials>
                    <SubjectFromWebIdentityToken>system:serviceaccount:aicache:aicache</SubjectFromWebIdentityToken>
                    <AssumedRoleUser>
                      <Arn>arn:aws:sts::123456789012:assumed-role/aicache/session</Arn>
                      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
                    </AssumedRoleUser>
                  </AssumeRoleWithWebIdentityResult>
                  <ResponseMetadata><RequestId>sts-test</RequestId></ResponseMetadata>
                </AssumeRoleWithWebIdentityResponse>
                """.formatted(accessKeyId, sessionToken, Instant.now().plusSeconds(3600))
                : """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error><Type>Sender</Type><Code>InvalidAction</Code><Message>unknown action</Message></Error>
                  <RequestId>sts-test</RequestId>
                </ErrorResponse>
                """;
        LoopbackHttpServer.respond(exchange, assume ? 200 : 400, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
    }
}
