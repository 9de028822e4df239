import Foundation
import NightshiftApp

/// `--state a,b`: the states a listing keeps, for any kind of record whose states are named.
enum StateOption {
    /// The states `text` names, comma-separated; an unknown one is a usage error listing them all.
    static func parse<State: RawRepresentable & CaseIterable & Hashable>(_ text: String) throws -> Set<State> where State.RawValue == String {
        var states: Set<State> = []
        for name in text.split(separator: ",") {
            guard let state = State(rawValue: String(name).trimmingCharacters(in: .whitespaces)) else {
                throw AppError.usage("--state: unknown state \"\(name)\"; states are \(State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            states.insert(state)
        }
        return states
    }
}
