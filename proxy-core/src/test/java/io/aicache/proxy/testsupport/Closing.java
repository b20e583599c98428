package io.aicache.proxy.testsupport;

/** Closes what a test started, in the order given, each even when one before it fails. */
public final class Closing {

    private Closing() {
    }

    /**
     * Closes each non-null resource in turn; the first failure is thrown once all were tried, the later ones
     * suppressed in it.
     */
    public static void all(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
