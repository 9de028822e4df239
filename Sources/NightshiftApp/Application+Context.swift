public import Foundation
public import NightshiftBuilder
import NightshiftCore

extension NightshiftApplication {
    /// What the operator's context allows the builder at `now`.
    public func workLimits(at now: Date) async -> WorkLimits {
        WorkLimits.unlimited(builderSettings?.maxConcurrent ?? 3)
    }
}
