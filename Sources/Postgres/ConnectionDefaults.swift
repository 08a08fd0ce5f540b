/// What every connection asks libpq for unless its URL says otherwise.
///
/// A server whose host is gone (power lost, cable pulled) never closes its sockets. Without
/// these a connection waits on it as long as the kernel's defaults allow: two hours
/// before a keepalive is sent, a quarter of an hour of retransmissions. With them:
/// - `connect_timeout`: a host that does not answer is given up after 5 s (per host, so a
///   two-host URL then tries the next one);
/// - keepalives after 5 s idle, every 2 s, 3 missed: an idle connection (the listener's,
///   a lock's session) is found dead within about 11 s;
/// - `tcp_user_timeout`: data sent and not acknowledged for 10 s ends the connection.
/// None of this applies to a Unix socket, whose server cannot vanish while the client runs.
/// A server that is there but frozen still acknowledges on loopback; `ServerWatch` bounds that.
public enum ConnectionDefaults {
    public static let network: [(key: String, value: String)] = [
        ("connect_timeout", "5"),
        ("keepalives", "1"),
        ("keepalives_idle", "5"),
        ("keepalives_interval", "2"),
        ("keepalives_count", "3"),
        ("tcp_user_timeout", "10000"),
    ]
}
