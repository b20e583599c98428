package io.aicache.proxy.console;

import java.util.Map;

import io.aicache.proxy.http.ErrorCode;
import io.aicache.proxy.http.Exchange;
import io.aicache.proxy.http.RegistryException;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The web console under {@code /ui/}: a page and the files it loads, all from the jar. The page holds
 * no data and no secret: it asks the admin API for everything, with the admin token the user types
 * in, so the console is exactly as guarded as the admin API.
 *
 * <pre>
 * GET /ui                       redirects to /ui/
 * GET /ui/                      the page; revalidated on every load (Cache-Control: no-cache)
 * GET /ui/v/VERSION/FILE        the page's scripts, style and icon; kept for good (immutable)
 * </pre>
 *
 * Every answer carries a Content-Security-Policy that lets the page load its own files and call
 * its own origin and nothing else (no inline script or style, no frames, no forms sent anywhere).
 */
public final class WebConsole {

    public static final String PREFIX = "/ui/";
    private static final String FILES = PREFIX + "v/";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY");
    private static final String REVALIDATE = "no-cache";
    private static final String FOR_GOOD = "public, max-age=31536000, immutable";

    private final ConsoleAssets assets;

    private WebConsole(ConsoleAssets assets) {
        this.assets = assets;
    }

    /** The console with the files built into the jar. */
    public static WebConsole fromJar() {
        return new WebConsole(ConsoleAssets.load());
    }

    /** Answers the request when it is for the console; false when it is not. */
    public boolean handle(Exchange exchange, FullHttpRequest request) {
        String path = exchange.requestPath();
        if (!path.startsWith(PREFIX) && !path.equals("/ui")) {
            return false;
        }
        exchange.route("ui");
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            throw refusal(ErrorCode.UNSUPPORTED, request.method() + " " + path + " is not supported");
        }
        if (path.equals("/ui")) {
            exchange.sendBytes(HttpResponseStatus.PERMANENT_REDIRECT, secured().set(HttpHeaderNames.LOCATION, PREFIX),
                    new byte[0]);
        } else if (path.equals(PREFIX)) {
            send(exchange, assets.page(), REVALIDATE);
        } else if (path.startsWith(FILES + assets.version() + "/")) {
            String name = path.substring(FILES.length() + assets.version().length() + 1);
            send(exchange, assets.file(name).orElseThrow(() -> unknown(path)), FOR_GOOD);
        } else {
            throw unknown(path);
        }
        return true;
    }

    private static void send(Exchange exchange, ConsoleAssets.Asset asset, String cacheControl) {
        exchange.sendBytes(HttpResponseStatus.OK, secured()
                .set(HttpHeaderNames.CONTENT_TYPE, asset.contentType())
                .set(HttpHeaderNames.CACHE_CONTROL, cacheControl), asset.bytes());
    }

    private static HttpHeaders secured() {
        HttpHeaders headers = new DefaultHttpHeaders();
        SECURITY_HEADERS.forEach(headers::set);
        return headers;
    }

    /** A file of another version (a page older than this aicache) or none: there is nothing else under /ui/. */
    private static RegistryException unknown(String path) {
        return refusal(ErrorCode.ROUTE_UNKNOWN, "the web console has no file at " + path + "; open " + PREFIX);
    }

    private static RegistryException refusal(ErrorCode code, String message) {
        return new RegistryException(code, message, SECURITY_HEADERS);
    }
}
