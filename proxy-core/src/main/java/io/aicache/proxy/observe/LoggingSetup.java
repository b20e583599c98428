package io.aicache.proxy.observe;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.net.SyslogAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.aicache.proxy.config.LoggingConfig;

/** Applies the {@code logging} configuration to Logback: level, text or JSON, and where the access and audit logs go. */
public final class LoggingSetup {

    /** The audit log's logger (access control writes it; its lines are routed here like the access log's). */
    public static final String AUDIT_LOGGER = "aicache.audit";
    private static final int QUEUE_SIZE = 8192;

    private static final String[] CLOUD_SDK_LOGGERS = {"com.azure", "com.microsoft.aad", "software.amazon.awssdk",
            "com.google.auth"};

    private LoggingSetup() {
    }

    public static void apply(LoggingConfig config) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(config.level(), Level.INFO));
        // The cloud SDKs log each sign-in at INFO; aicache logs what matters of them (failures) itself.
        for (String sdk : CLOUD_SDK_LOGGERS) {
            context.getLogger(sdk).setLevel(Level.WARN);
        }
        if (config.format() == LoggingConfig.Format.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            json.start();
            root.detachAndStopAllAppenders();
            root.addAppender(started(new ConsoleAppender<>(), json, context));
        }
        route(context, AccessLog.LOGGER_NAME, config.accessLogDestination());
        route(context, AUDIT_LOGGER, config.auditLogDestination());
    }

    /** Writes out the lines still queued for the access and audit logs, at shutdown. */
    public static void flush() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }

    /** Sends a log of JSON lines, and only it, to {@code destination}, one line per event. */
    private static void route(LoggerContext context, String loggerName, LoggingConfig.Destination destination) {
        Logger log = context.getLogger(loggerName);
        log.setAdditive(false);
        log.detachAndStopAllAppenders();
        if (destination instanceof LoggingConfig.Destination.Off) {
            log.setLevel(Level.OFF);
            return;
        }
        log.setLevel(Level.INFO);
        log.addAppender(inBackground(appenderFor(destination, context), context));
    }

    private static Appender<ILoggingEvent> appenderFor(LoggingConfig.Destination destination, LoggerContext context) {
        if (destination instanceof LoggingConfig.Destination.Syslog syslog) {
            SyslogAppender appender = new SyslogAppender();
            appender.setContext(context);
            appender.setSyslogHost(syslog.host());
            appender.setPort(syslog.port());
            appender.setFacility("AUTH");
            appender.setSuffixPattern("aicache: %msg");
            appender.start();
            return appender;
        }
        PatternLayoutEncoder lines = new PatternLayoutEncoder();
        lines.setContext(context);
        lines.setPattern("%msg%n");
        lines.start();
        if (destination instanceof LoggingConfig.Destination.File file) {
            FileAppender<ILoggingEvent> appender = new FileAppender<>();
            appender.setFile(file.path());
            return started(appender, lines, context);
        }
        return started(new ConsoleAppender<>(), lines, context);
    }

    /**
     * Lines are logged on event loops, which must not wait for a disk or a pipe: a thread of Logback's writes
     * them. None is dropped (the queue is large, and when full the logging thread waits rather than lose one).
     */
    private static Appender<ILoggingEvent> inBackground(Appender<ILoggingEvent> writer, LoggerContext context) {
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName(writer.getClass().getSimpleName() + "-in-background");
        async.setQueueSize(QUEUE_SIZE);
        async.setDiscardingThreshold(0);
        async.addAppender(writer);
        async.start();
        return async;
    }

    private static Appender<ILoggingEvent> started(OutputStreamAppender<ILoggingEvent> appender,
                                                   Encoder<ILoggingEvent> encoder, LoggerContext context) {
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
