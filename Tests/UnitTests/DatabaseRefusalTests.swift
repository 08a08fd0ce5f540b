import Hummingbird
import ShopHTTP
import Testing

@testable import Postgres

/// A request the database could not take is answered 503 with what happened, since the
/// client's next move depends on it (CI once saw a connection attempt time out while every
/// slot was taken, answered only "the database interrupted this request").
@Suite struct DatabaseRefusalTests {
    @Test func eachKindOfFailureIsNamedInTheAnswer() {
        func answer(_ error: PostgresError) -> ShopError { ShopErrorMiddleware<BasicRequestContext>.refusal(byDatabase: error) }

        let timedOut = answer(.connectionFailed(#"connection to server at "10.0.0.5", port 5432 failed: timeout expired"#))
        #expect(timedOut.status == .serviceUnavailable && timedOut.retryAfter == 5)
        #expect(timedOut.message.contains("cannot connect to the database (timeout expired)"))
        // The server's address is for the log, not for a client.
        #expect(!timedOut.message.contains("10.0.0.5"))

        let closed = answer(
            .connectionFailed(
                "connection to server at \"127.0.0.1\", port 5432 failed: server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n"
            ))
        #expect(closed.message.contains("(server closed the connection unexpectedly)"))

        let full = answer(.connectionFailed(#"connection to server at "127.0.0.1", port 5432 failed: FATAL:  sorry, too many clients already"#))
        #expect(full.message.contains("short of resources (too many connections: sorry, too many clients already)") && full.retryAfter == 5)
        #expect(!full.message.contains("127.0.0.1"))

        let lost = answer(.connectionLost("server closed the connection unexpectedly"))
        #expect(lost.message.contains("may or may not have been applied"))

        let busy = answer(.busy("timed out after 30 seconds waiting for a database connection (pool of 10 all in use)"))
        #expect(busy.message.contains("the shop is busy: timed out") && busy.message.contains("nothing of this request was stored"))

        let cancelled = answer(.server(ServerError(sqlState: "57014", message: "canceling statement due to statement timeout")))
        #expect(cancelled.message == "the database interrupted this request (SQLSTATE 57014) and nothing of it was stored; send it again")
        #expect(cancelled.retryAfter == 1)
    }

    @Test func whyNotConnectedIsOnlyForAConnectionNeverOpened() {
        #expect(
            PostgresError.whyNotConnected(PostgresError.connectionFailed("FATAL:  password authentication failed for user \"shop\""))
                == "password authentication failed for user \"shop\"")
        #expect(PostgresError.whyNotConnected(PostgresError.connectionFailed("")) == "no reason given")
        #expect(PostgresError.whyNotConnected(PostgresError.connectionLost("gone")) == nil)
        #expect(PostgresError.whyNotConnected(PostgresError.server(ServerError(sqlState: "40P01", message: "deadlock"))) == nil)
    }
}
