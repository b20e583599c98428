package io.aicache.proxy.access;

/**
 * Who a request is from: a user the htpasswd file knows, or no one ({@link #ANONYMOUS}).
 *
 * @param user the user's name, or {@code null} for anonymous
 */
public record Identity(String user) {

    public static final Identity ANONYMOUS = new Identity(null);

    public Identity {
        if (user != null && user.isEmpty()) {
            throw new IllegalArgumentException("a user needs a name");
        }
    }

    public boolean isAnonymous() {
        return user == null;
    }

    @Override
    public String toString() {
        return isAnonymous() ? "anonymous" : "user '" + user + "'";
    }
}
