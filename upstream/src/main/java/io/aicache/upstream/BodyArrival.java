package io.aicache.upstream;

/**
 * A body subscriber that is told when the whole body has come off the connection, which may be
 * well before it has taken all of it: a fill asks for its next range then, rather than once its
 * disk has written the last of this one. Called once, on the connection's event loop, after the
 * connection went back to the pool; never for a body that was cut or cancelled.
 */
public interface BodyArrival {

    void bodyArrived();
}
