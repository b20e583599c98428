package io.aicache.proxy.access;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.aicache.model.Repository;
import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * aicache's own token service at {@code /token}, as Docker's token authentication has it:
 * {@code GET /token?service=aicache&scope=repository:<name>:pull} with Basic credentials or none,
 * and the OAuth2 form, {@code POST /token} with {@code grant_type=password}. It answers
 * {@code {"token", "access_token", "expires_in", "issued_at"}} with a token granting, of the scopes
 * asked for, those the policy lets the identity pull under some upstream the name can stand for
 * (each request is still checked against the upstream it resolves to). Wrong credentials are
 * {@code 401}; no credentials get an anonymous token.
 */
public final class TokenEndpoint {

    public static final String PATH = "/token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AccessPolicy policy;
    private final HtpasswdUsers users;
    private final TokenService tokens;
    private final Function<String, List<Repository>> upstreamsOf;
    private final AuditLog audit;

    /**
     * @param upstreamsOf every upstream repository a name as clients write it may stand for
     */
    TokenEndpoint(AccessPolicy policy, HtpasswdUsers users, TokenService tokens,
                  Function<String, List<Repository>> upstreamsOf, AuditLog audit) {
        this.policy = policy;
        this.users = users;
        this.tokens = tokens;
        this.upstreamsOf = upstreamsOf;
        this.audit = audit;
    }

    /** Answers {@code request} when it is for the token service; false when it is not. */
    public boolean handle(Exchange exchange, FullHttpRequest request) {
        if (!exchange.requestPath().equals(PATH)) {
            return false;
        }
        exchange.route("token");
        Map<String, List<String>> parameters;
        PresentedCredentials presented;
        if (HttpMethod.POST.equals(request.method())) {
            parameters = new QueryStringDecoder(request.content().toString(StandardCharsets.UTF_8), false).parameters();
            String grant = first(parameters, "grant_type");
            if (!"password".equals(grant)) {
                throw new RegistryException(ErrorCode.REQUEST_INVALID, "grant_type " + (grant == null ? "(none)" : grant)
                        + " is not supported; use password, or GET with Basic credentials");
            }
            String user = first(parameters, "username");
            String password = first(parameters, "password");
            presented = user == null || user.isEmpty() || password == null ? new PresentedCredentials.Unreadable()
                    : new PresentedCredentials.Basic(user, password);
        } else if (HttpMethod.GET.equals(request.method())) {
            parameters = new QueryStringDecoder(request.uri()).parameters();
            presented = PresentedCredentials.of(exchange.requestHeaderValues(HttpHeaderNames.AUTHORIZATION));
        } else {
            throw new RegistryException(ErrorCode.UNSUPPORTED, "the token service answers GET and POST");
        }
        String service = first(parameters, "service");
        if (service != null && !service.equals(TokenService.SERVICE)) {
            throw new RegistryException(ErrorCode.REQUEST_INVALID, "service '" + service
                    + "' is not this token service's; it is " + TokenService.SERVICE);
        }
        List<String> scopes = parameters.getOrDefault("scope", List.of());
        List<Scope> asked = Scope.parseAll(scopes);
        List<String> askedNames = asked.stream().map(Scope::name).distinct().toList();
        identify(presented).whenComplete((identified, failure) -> exchange.onLoop(() -> {
            if (failure != null) {
                exchange.sendFailure(failure);
                return;
            }
            if (!identified.allowed()) {
                audit.token(exchange, identified, askedNames, List.of());
                exchange.sendError(identified.refusal());
                return;
            }
            Identity who = identified.user() == null ? Identity.ANONYMOUS : new Identity(identified.user());
            List<String> granted = grantable(who, asked);
            if (!who.isAnonymous()) {
                audit.token(exchange, identified, askedNames, granted);
            }
            answer(exchange, tokens.issue(who, granted));
        }));
        return true;
    }

    private CompletableFuture<Verdict> identify(PresentedCredentials presented) {
        if (presented instanceof PresentedCredentials.None) {
            return CompletableFuture.completedFuture(Verdict.allowed(Identity.ANONYMOUS, Verdict.Reason.ANONYMOUS_ALLOWED));
        }
        if (presented instanceof PresentedCredentials.Basic basic) {
            return users.check(basic.user(), basic.password()).thenApply(user -> user
                    .map(identity -> Verdict.allowed(identity, Verdict.Reason.ALLOWED))
                    .orElseGet(() -> Verdict.refused(basic.user(), Verdict.Reason.BAD_PASSWORD,
                            refused("incorrect username or password"))));
        }
        return CompletableFuture.completedFuture(Verdict.refused(null, Verdict.Reason.UNREADABLE_CREDENTIALS,
                refused("the token service takes Basic credentials (or username and password in the POST form)")));
    }

    private List<String> grantable(Identity who, List<Scope> asked) {
        return asked.stream().filter(Scope::asksToPull).map(Scope::name).distinct()
                .filter(name -> upstreamsOf.apply(name).stream().anyMatch(upstream -> policy.may(who, upstream.toString())))
                .toList();
    }

    private static void answer(Exchange exchange, TokenService.Issued issued) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", issued.token());
        body.put("access_token", issued.token());
        body.put("expires_in", issued.expiresIn().toSeconds());
        body.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(issued.issuedAt()));
        try {
            exchange.sendBytes(HttpResponseStatus.OK, new DefaultHttpHeaders()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-store"), JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a token answer", e);
        }
    }

    private static RegistryException refused(String message) {
        return new RegistryException(ErrorCode.UNAUTHORIZED, message,
                Map.of(HttpHeaderNames.WWW_AUTHENTICATE.toString(), "Basic realm=\"" + TokenService.SERVICE + "\""));
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        return Optional.ofNullable(parameters.get(name)).filter(values -> !values.isEmpty()).map(values -> values.get(0))
                .orElse(null);
    }
}
