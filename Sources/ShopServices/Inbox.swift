import EventSourcing
import EventStore
import Foundation
import OrderSaga
import Postgres
import ShopVocabulary

/// One service's inbox, `<service>_svc.inbox`: the commands sent to that service, waiting
/// until its worker applies them; the transaction that applies one takes it out and records
/// it in `<service>_svc.inbox_done`. The only code that writes the inbox tables (rows are
/// inserted by `saga.send_commands`); what others read of them is `InboxReads`.
package struct Inbox: Sendable {
    package let service: Partition

    package init(_ service: Partition) {
        self.service = service
    }

    /// The inbox the command is for.
    package init(for command: ServiceCommand) {
        self.init(command.command.service)
    }

    /// The NOTIFY channel that wakes this inbox's workers.
    package var channel: String { "inbox_\(service.rawValue)" }

    /// Puts `commands` in this inbox, in order, through `saga.send_commands` (the one writer
    /// of inbox rows) in the caller's transaction (it travels with the commit); the workers
    /// are woken after the commit.
    package func enqueue(_ commands: [ServiceCommand], in transaction: EventStoreTransaction) async throws {
        guard !commands.isEmpty else { return }
        await transaction.queue(
            "SELECT saga.send_commands($1, $2::uuid[], $3::uuid[], $4::text[], $5::jsonb[])",
            [
                service.rawValue, PostgresArray(commands.map(\.commandId)), PostgresArray(commands.map(\.sagaId)),
                PostgresArray(commands.map(\.command.rawValue)), PostgresArray(try commands.map { JSONText(try EventJSON.encoder.encode($0)) }),
            ])
        transaction.notifyAfterCommit(channel)
    }

    /// Asks the inventory service to ship an order's stock, through `inventory_svc.ship_stock`
    /// (the delivery role may send this one command, and write its inbox no other way).
    package static func shipStock(_ command: ServiceCommand, in transaction: EventStoreTransaction) async throws {
        precondition(command.command == .shipStock)
        await transaction.queue(
            "SELECT inventory_svc.ship_stock($1, $2, $3::jsonb)",
            [command.commandId, command.sagaId, JSONText(try EventJSON.encoder.encode(command))])
        transaction.notifyAfterCommit(Inbox(.inventory).channel)
    }

    /// What a claim locked: the commands, oldest first, and whether a command of one of
    /// their sagas waits behind them (claimable only once they are applied).
    package struct Claimed: Sendable {
        package var commands: [(seq: Int64, command: ServiceCommand)]
        package var followed: Bool
        package var isEmpty: Bool { commands.isEmpty }
        package var count: Int { commands.count }
    }

    /// Locks up to `limit` pending commands, each the oldest pending of its correlation, so
    /// one saga's commands are applied in the order they were sent and never two of one saga
    /// in a batch; other workers skip them. Oldest first.
    package func claim(upTo limit: Int, in transaction: EventStoreTransaction) async throws -> Claimed {
        let schema = service.schema
        var followed = false
        let commands = try await transaction.query(
            """
            SELECT i.seq, i.payload,
                   EXISTS (SELECT 1 FROM \(schema).inbox f
                            WHERE f.correlation_id = i.correlation_id AND f.processed_at IS NULL AND f.parked_at IS NULL
                              AND f.seq > i.seq) AS followed
              FROM \(schema).inbox i
             WHERE i.processed_at IS NULL AND i.parked_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM \(schema).inbox e
                                WHERE e.correlation_id = i.correlation_id AND e.processed_at IS NULL AND e.parked_at IS NULL
                                  AND e.seq < i.seq)
             ORDER BY i.seq
             LIMIT $1
             FOR UPDATE OF i SKIP LOCKED
            """, [limit]
        ).rows.map { row in
            let seq: Int64 = try row.decode("seq")
            if try row.decode("followed", as: Bool.self) { followed = true }
            let payload: JSONText = try row.decode("payload")
            do {
                return (seq, try PayloadDecoder.decode(ServiceCommand.self, from: Data(payload.text.utf8)))
            } catch {
                throw CommandFailure(seq: seq, command: nil, underlying: error)
            }
        }
        return Claimed(commands: commands, followed: followed)
    }

    /// Counts a failed attempt at the command, in a transaction of its own (the failed one
    /// rolled back); returns the attempts so far.
    package func recordFailure(_ seq: Int64, error: String, store: EventStore) async throws -> Int {
        let store = store.owned(by: .service(service))
        return try await store.query(
            """
            UPDATE \(service.schema).inbox SET attempts = attempts + 1, last_error = $2 WHERE seq = $1 RETURNING attempts
            """, [seq, String(error.prefix(2000))]
        ).first?.decode("attempts") ?? 0
    }

    /// Parks the command: no worker claims it again. `answer` is the outcome when its
    /// rejection was appended in `transaction` (it then counts as processed); nil when it
    /// could not be answered and waits for an operator.
    package func park(_ seq: Int64, answer: CommandReply?, in transaction: EventStoreTransaction) async throws {
        try await transaction.query(
            """
            UPDATE \(service.schema).inbox
               SET parked_at = now(), processed_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END, outcome = $2
             WHERE seq = $1
            """, [seq, answer?.stored])
    }

    /// Puts a parked command that was never answered (nor dropped: its saga may have
    /// compensated since) back in line, with its attempts reset. False when `seq` is no
    /// such command.
    package func retry(_ seq: Int64, store: EventStore) async throws -> Bool {
        let store = store.owned(by: .service(service))
        let moved = try await store.withTransaction(appends: false) { tx in
            let rows = try await tx.query(
                """
                UPDATE \(service.schema).inbox SET parked_at = NULL, attempts = 0
                 WHERE seq = $1 AND parked_at IS NOT NULL AND processed_at IS NULL AND outcome IS NULL RETURNING seq
                """, [seq]
            ).rows
            if !rows.isEmpty { tx.notifyAfterCommit(channel) }
            return !rows.isEmpty
        }
        return moved
    }

    /// Gives up on a parked command that was never answered: it stays (for the order's
    /// history) as dropped. Its saga, if still waiting, fails at its step timeout and
    /// compensates. False when `seq` is no such command.
    package func drop(_ seq: Int64, store: EventStore) async throws -> Bool {
        let store = store.owned(by: .service(service))
        return
            !(try await store.query(
                """
                UPDATE \(service.schema).inbox SET outcome = 'dropped'
                 WHERE seq = $1 AND parked_at IS NOT NULL AND processed_at IS NULL AND outcome IS NULL RETURNING seq
                """, [seq]
            ).rows.isEmpty)
    }

    /// Forgets up to `limit` commands settled more than `retention` ago by the database's
    /// clock: applied ones (`inbox_done`, and rows builds before 0.20 marked processed), and
    /// parked ones answered or dropped. Commands waiting, and parked ones nobody has settled,
    /// stay whatever their age. Returns how many went; the caller repeats until fewer than
    /// `limit` do.
    package func forgetSettled(olderThan retention: Duration, limit: Int, store: EventStore) async throws -> Int {
        let store = store.owned(by: .service(service))
        let seconds = retention.seconds
        let applied = try await store.query(
            """
            DELETE FROM \(service.schema).inbox_done WHERE command_id = ANY (ARRAY(
                SELECT command_id FROM \(service.schema).inbox_done
                 WHERE processed_at < now() - make_interval(secs => $1) LIMIT $2))
            """, [seconds, Int64(limit)]
        ).affectedRows
        let settled = try await store.query(
            """
            DELETE FROM \(service.schema).inbox WHERE seq = ANY (ARRAY(
                SELECT seq FROM \(service.schema).inbox
                 WHERE processed_at < now() - make_interval(secs => $1)
                    OR (outcome = 'dropped' AND parked_at < now() - make_interval(secs => $1))
                 LIMIT $2))
            """, [seconds, Int64(limit)]
        ).affectedRows
        return applied + settled
    }

    /// Takes the applied commands out of the inbox and records each, with its outcome, in
    /// `inbox_done`: one statement that travels with the commit, and no row updated (an
    /// update of the inbox row could never be a HOT one). A command applied a second time
    /// would be recorded twice: the key refuses it, and that application rolls back whole.
    package func markProcessed(_ outcomes: [(seq: Int64, outcome: CommandReply)], in transaction: EventStoreTransaction) async throws {
        guard !outcomes.isEmpty else { return }
        await transaction.queue(
            """
            WITH applied AS (
                DELETE FROM \(service.schema).inbox i USING unnest($1::bigint[], $2::text[]) AS u(seq, outcome)
                 WHERE i.seq = u.seq
                RETURNING i.command_id, i.command, u.outcome
            )
            INSERT INTO \(service.schema).inbox_done (command_id, command, outcome) SELECT command_id, command, outcome FROM applied
            """, [PostgresArray(outcomes.map(\.seq)), PostgresArray(outcomes.map(\.outcome.stored))])
    }

    /// Which of `ids` a worker has applied, across the inboxes of `services` (those the
    /// database has: `EventStore.servicePartitions`): their answer events are committed (in
    /// the same transaction that marked them).
    package static func answered(_ ids: [UUID], among services: [Partition], in transaction: EventStoreTransaction) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        // Applied: recorded in inbox_done, or (by builds before 0.20, and when parked with an
        // answer) marked processed in the inbox.
        let union = services.map {
            """
            SELECT command_id FROM \($0.schema).inbox_done WHERE command_id = ANY($1::uuid[])
            UNION ALL SELECT command_id FROM \($0.schema).inbox WHERE command_id = ANY($1::uuid[]) AND processed_at IS NOT NULL
            """
        }.joined(separator: " UNION ALL ")
        return Set(try await transaction.query(union, [PostgresArray(ids)]).rows.map { try $0.decode("command_id") })
    }

}
