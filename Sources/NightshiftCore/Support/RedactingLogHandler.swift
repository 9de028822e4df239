public import Logging

/// A log handler that replaces the workspace's secrets in every message, metadata value and error
/// before handing the line to the handler it wraps: whatever a component or a dependency logs, at
/// any level, no secret reaches the log.
///
/// The wrapper keeps the metadata and the metadata provider itself, so that they are redacted too.
///
/// ```swift
/// let logger = logger.redacting(secrets)
/// ```
public struct RedactingLogHandler: LogHandler {
    var wrapped: any LogHandler
    let secrets: SecretValues
    public var metadata: Logger.Metadata
    public var metadataProvider: Logger.MetadataProvider?

    /// Wraps `handler`, taking over its metadata and metadata provider.
    public init(wrapping handler: any LogHandler, secrets: SecretValues) {
        var handler = handler
        metadata = handler.metadata
        metadataProvider = handler.metadataProvider
        handler.metadata = [:]
        // Setting it on a handler without provider support logs a warning.
        if handler.metadataProvider != nil { handler.metadataProvider = nil }
        wrapped = handler
        self.secrets = secrets
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        if let error = event.error {
            merged["error"] = .string("\(error)")
            event.error = nil
        }
        event.message = "\(secrets.redact(event.message.description))"
        event.metadata = merged.isEmpty ? nil : merged.mapValues(redact)
        wrapped.log(event: event)
    }

    private func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(secrets.redact(text))
        case .stringConvertible(let item): .string(secrets.redact(item.description))
        case .array(let items): .array(items.map(redact))
        case .dictionary(let members): .dictionary(members.mapValues(redact))
        }
    }
}

extension Logger {
    /// This logger with `secrets` redacted from everything it logs (see ``RedactingLogHandler``).
    public func redacting(_ secrets: SecretValues) -> Logger {
        guard !secrets.isEmpty else { return self }
        let handler = RedactingLogHandler(wrapping: self.handler, secrets: secrets)
        return Logger(label: label) { _ in handler }
    }
}
