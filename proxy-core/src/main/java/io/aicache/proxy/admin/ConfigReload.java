package io.aicache.proxy.admin;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import io.aicache.proxy.config.AicacheConfig;
import io.aicache.proxy.observe.LoggingSetup;
import io.aicache.proxy.oci.PinnedImages;

/**
 * Reads the configuration again and applies what can change while serving: logging and the
 * pinned images. Sections that differ from what the process started with take effect on a
 * restart, and the answer names them.
 */
public final class ConfigReload {

    private final Supplier<AicacheConfig> source;
    private final PinnedImages pins;
    /** What the process started with: sections that differ from it wait for a restart. */
    private final AicacheConfig started;
    private AicacheConfig current;

    /** @param source reads the configuration as {@code serve} did: the same file over the defaults */
    public ConfigReload(AicacheConfig started, Supplier<AicacheConfig> source, PinnedImages pins) {
        this.started = started;
        this.current = started;
        this.source = source;
        this.pins = pins;
    }

    /** What a reload did. */
    public record Outcome(List<String> applied, List<String> restartNeeded) {
    }

    /** @throws io.aicache.proxy.config.ConfigException when the new configuration is not valid; nothing changes then */
    public synchronized Outcome reload() {
        AicacheConfig next = source.get();
        List<String> applied = new ArrayList<>();
        List<String> restartNeeded = new ArrayList<>();
        if (!next.storage().pinned().equals(current.storage().pinned())) {
            pins.reconfigure(next.storage().pinned());
            applied.add("storage.pinned");
        }
        if (!next.logging().equals(current.logging())) {
            LoggingSetup.apply(next.logging());
            applied.add("logging");
        }
        for (RecordComponent section : AicacheConfig.class.getRecordComponents()) {
            if (!section.getName().equals("logging") && changed(section, started, next, "pinned")) {
                restartNeeded.add(section.getName());
            }
        }
        restartNeeded.sort(String::compareTo);
        current = next;
        return new Outcome(applied, restartNeeded);
    }

    /** Whether a record component differs, or for a nested record, any of its components but {@code except}. */
    private static boolean changed(RecordComponent component, Record before, Record after, String except) {
        Object old = read(component, before);
        Object now = read(component, after);
        if (!(old instanceof Record oldRecord) || !(now instanceof Record newRecord)) {
            return !Objects.equals(old, now);
        }
        for (RecordComponent inner : oldRecord.getClass().getRecordComponents()) {
            if (!inner.getName().equals(except) && !Objects.equals(read(inner, oldRecord), read(inner, newRecord))) {
                return true;
            }
        }
        return false;
    }

    private static Object read(RecordComponent component, Record from) {
        try {
            return component.getAccessor().invoke(from);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read configuration key " + component.getName(), e);
        }
    }
}
