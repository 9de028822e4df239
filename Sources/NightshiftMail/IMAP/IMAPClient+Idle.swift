extension IMAPClient {
    /// Waits, with IDLE (RFC 2177), until the selected mailbox changes or `timeout` passes.
    ///
    /// Returns ``IMAPIdleEvent/newMessages(exists:)`` when an EXISTS raises the count,
    /// ``IMAPIdleEvent/expunged`` when messages were removed, ``IMAPIdleEvent/timedOut``
    /// otherwise; each time after sending DONE and reading the server's reply, so the next
    /// command can follow at once. An IDLE longer than ``Configuration/idleRenewal`` is ended and
    /// begun again, as servers drop one after 30 minutes.
    ///
    /// The wait is not bounded by the channel's read timeout (its expiry only means quiet);
    /// cancelling the calling task ends it, and leaves the client unusable.
    public func idle(timeout: Duration) async throws -> IMAPIdleEvent {
        try await idle(until: ContinuousClock.now.advanced(by: timeout))
    }

    /// As ``idle(timeout:)``, waiting until `deadline` at the latest.
    public func idle(until deadline: ContinuousClock.Instant) async throws -> IMAPIdleEvent {
        try await exclusive {
            try require([.selected], for: "IDLE")
            guard capabilities.contains("IDLE") else {
                throw IMAPError(.notSupported, command: "IDLE", "the server does not offer IDLE; poll with noop() instead")
            }
            let clock = ContinuousClock()
            while true {
                try Task.checkCancellation()
                let roundEnd = min(deadline, clock.now.advanced(by: configuration.idleRenewal))
                let event = try await idleRound(until: roundEnd)
                if event != .timedOut || clock.now >= deadline { return event }
            }
        }
    }

    /// One IDLE … DONE exchange, ending at the first change or at `end`.
    private func idleRound(until end: ContinuousClock.Instant) async throws -> IMAPIdleEvent {
        let command = IMAPCommand("IDLE")
        let tag = makeTag()
        var event: IMAPIdleEvent?
        sawExpunge = false
        /// Absorbs `data`; a count above what the client knew is new mail.
        func take(_ data: IMAPUntagged) {
            let known = mailbox?.exists ?? 0
            absorb(data)
            if case .exists(let count) = data, count > known {
                event = .newMessages(exists: count)
            } else if sawExpunge, event == nil {
                event = .expunged
            }
        }
        try await channel.write(Array("\(tag) IDLE\r\n".utf8))
        waiting: while true {
            switch try await nextResponse() {
            case .continuation: break waiting
            case .untagged(let data): take(data)
            case .tagged(let got, let status) where got == tag:
                // The server ended the IDLE before it began: its NO or BAD says why.
                _ = try check(status, command: command)
                return event ?? .timedOut
            case .tagged(let got, _):
                throw IMAPError(.unexpectedResponse, command: command.name, "a reply tagged \(got) came while \(tag) was waiting")
            }
        }
        idling: while event == nil {
            let next: [UInt8]?
            do {
                next = try await line(before: end)
            } catch {
                throw explainingClose(error)
            }
            guard let line = next else { break }
            switch try await nextResponse(firstLine: line) {
            case .untagged(let data): take(data)
            case .continuation: continue
            case .tagged(let got, let status) where got == tag:
                _ = try check(status, command: command)
                return event ?? .timedOut
            case .tagged(let got, _):
                throw IMAPError(.unexpectedResponse, command: command.name, "a reply tagged \(got) came during IDLE")
            }
        }
        try await channel.write(Array("DONE\r\n".utf8))
        while true {
            switch try await nextResponse() {
            case .untagged(let data): take(data)
            case .continuation: continue
            case .tagged(let got, let status) where got == tag:
                _ = try check(status, command: command)
                return event ?? .timedOut
            case .tagged(let got, _):
                throw IMAPError(.unexpectedResponse, command: command.name, "a reply tagged \(got) came while \(tag) was ending")
            }
        }
    }

    /// The next line, or nil when `end` comes first. The read is cancelled at `end`; channels
    /// consume a line only whole, so nothing is lost, and a line that beat the cancellation is
    /// still returned.
    private func line(before end: ContinuousClock.Instant) async throws -> [UInt8]? {
        let reader = self.reader
        return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                while true {
                    do {
                        return try await reader.readLine()
                    } catch MailTransportError.timedOut {
                        // The channel's own read timeout is shorter than an IDLE: quiet, not failure.
                        if ContinuousClock.now >= end { return nil }
                    }
                }
            }
            group.addTask {
                try? await Task.sleep(until: end, clock: .continuous)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            if let first { return first }
            do {
                while let next = try await group.next() {
                    if let line = next { return line }
                }
            } catch is CancellationError {}
            return nil
        }
    }
}
