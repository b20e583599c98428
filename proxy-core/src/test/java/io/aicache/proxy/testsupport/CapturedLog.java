package io.aicache.proxy.testsupport;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;

/**
 * What one class logs while this is open: a test that must show that something ran in the
 * background (a periodic check that found nothing to change) waits for its log line instead of
 * sleeping and hoping it ran.
 */
public final class CapturedLog implements AutoCloseable {

    private final Logger logger;
    private final Queue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            events.add(event);
        }
    };

    private CapturedLog(String name) {
        logger = (Logger) LoggerFactory.getLogger(name);
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    public static CapturedLog of(Class<?> source) {
        return new CapturedLog(source.getName());
    }

    /** What the logger named {@code name} logs, whether or not it reaches the root logger's appenders. */
    public static CapturedLog named(String name) {
        return new CapturedLog(name);
    }

    /** The messages logged, in order. */
    public java.util.List<String> messages() {
        return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Everything logged anywhere, at whatever level the configuration lets through. */
    public static CapturedLog everything() {
        return new CapturedLog(Logger.ROOT_LOGGER_NAME);
    }

    /** Whether any event's message, or a message of its exception and causes, contains {@code text}. */
    public boolean anywhere(String text) {
        return events.stream().anyMatch(event -> event.getFormattedMessage().contains(text) || thrownContains(event, text));
    }

    private static boolean thrownContains(ILoggingEvent event, String text) {
        for (IThrowableProxy thrown = event.getThrowableProxy(); thrown != null; thrown = thrown.getCause()) {
            if (thrown.getMessage() != null && thrown.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an event at {@code level} whose message contains {@code text} was logged. */
    public boolean contains(Level level, String text) {
        return count(level, text) > 0;
    }

    /** How many events at {@code level} whose message contains {@code text} were logged. */
    public long count(Level level, String text) {
        return events.stream().filter(event -> event.getLevel() == level && event.getFormattedMessage().contains(text))
                .count();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
