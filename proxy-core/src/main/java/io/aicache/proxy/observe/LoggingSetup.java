package io.aicache.proxy.observe;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.aicache.proxy.config.LoggingConfig;

/** Applies the {@code logging} configuration to Logback: level, text or JSON, and where the access log goes. */
public final class LoggingSetup {

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
        Logger access = context.getLogger(AccessLog.LOGGER_NAME);
        access.setAdditive(false);
        access.detachAndStopAllAppenders();
        if (config.accessLog().equals("off")) {
            access.setLevel(Level.OFF);
            return;
        }
        access.setLevel(Level.INFO);
        PatternLayoutEncoder lines = new PatternLayoutEncoder();
        lines.setContext(context);
        lines.setPattern("%msg%n");
        lines.start();
        if (config.accessLog().equals("stdout")) {
            access.addAppender(started(new ConsoleAppender<>(), lines, context));
        } else {
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setFile(config.accessLog());
            access.addAppender(started(file, lines, context));
        }
    }

    private static Appender<ILoggingEvent> started(OutputStreamAppender<ILoggingEvent> appender,
                                                   Encoder<ILoggingEvent> encoder, LoggerContext context) {
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
