package io.aicache.proxy.access;

import io.aicache.proxy.http.RegistryException;

/**
 * What access control decided about one request, and why: the audit log's record of it.
 *
 * @param user    the user the credentials name (proved or not), or {@code null} when they name none
 * @param refusal what the client is answered when refused; {@code null} when allowed
 */
record Verdict(String user, Reason reason, RegistryException refusal) {

    /** Why, in the audit log's and the denial metric's words. */
    enum Reason {
        ALLOWED("allowed"),
        ANONYMOUS_ALLOWED("anonymous-allowed"),
        NO_CREDENTIALS("no-credentials"),
        UNREADABLE_CREDENTIALS("unreadable-credentials"),
        BAD_PASSWORD("bad-password"),
        INVALID_TOKEN("invalid-token"),
        OUTSIDE_TOKEN_SCOPE("outside-token-scope"),
        NOT_ALLOWED("not-allowed");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    static Verdict allowed(Identity who, Reason reason) {
        return new Verdict(who.user(), reason, null);
    }

    static Verdict refused(String user, Reason reason, RegistryException refusal) {
        return new Verdict(user, reason, refusal);
    }

    boolean allowed() {
        return refusal == null;
    }
}
