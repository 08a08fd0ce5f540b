import EventSourcing
import EventStore
import ShopVocabulary

/// The inventory service's inbox commands: reserve, adjust, release and ship stock.
package struct InventoryCommands: CommandHandling {
    package let service = Partition.inventory

    package init() {}

    package func handle(_ command: ServiceCommand, in tx: EventStoreTransaction) async throws -> CommandReply {
        let orderId = command.orderId
        var reservation = try await Streams.reservation(forOrder: orderId, in: tx)
        let lines = command.lines ?? []
        // Every product the command touches, loaded in id order (appends lock them in that order too).
        var products: [String: Loaded<Product>] = [:]
        for productId in Set(lines.map(\.productId)).union(reservation.state.lines.keys).sorted() {
            products[productId] = try await Streams.product(productId, in: tx)
        }
        let states = products.mapValues(\.state)
        let decision = command.decide { () -> Result<StockDecision, Rejection> in
            switch command.command {
            case .reserveStock:
                StockRules.reserve(orderId: orderId, lines: lines, reservation: reservation.state, products: states)
            case .adjustStock, .revertStock, .reReserveStock:
                StockRules.adjust(orderId: orderId, lines: lines, reservation: reservation.state, products: states)
            case .releaseStock, .releaseStockForDelete:
                .success(StockRules.release(orderId: orderId, reservation: reservation.state))
            case .shipStock:
                StockRules.ship(orderId: orderId, reservation: reservation.state)
            default:
                .failure(Rejection("the inventory does not handle \(command.command.rawValue)"))
            }
        }
        let metadata = command.metadata
        switch decision {
        case .success(let stock):
            for (productId, movement) in stock.movements.sorted(by: { $0.key < $1.key }) {
                // The rules move only products they were given, all loaded above.
                guard var product = products[productId] else { continue }
                try await tx.append([movement], to: &product, metadata: metadata)
            }
            try await tx.append([stock.reply], to: &reservation, metadata: metadata)
        case .failure(let rejection):
            let reply = ReservationEvent.rejected(StockCommandRejected(subjectId: orderId, command: command.command.rawValue, reason: rejection.reason))
            try await tx.append([reply], to: &reservation, metadata: metadata)
        }
        return CommandReply(decision)
    }
}
