/// What a goal's metric measures, which decides what to do when the goal falls behind.
public enum GoalKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// New prospects, leads, opportunities, deals in the funnel.
    case pipeline
    /// Work done: emails sent, calls, meetings booked, follow-ups.
    case activity
    /// How good the work is: qualified conversations, conversion or reply rates, scores.
    case quality
    /// Money: revenue, ARR, closed deals.
    case revenue
    /// None of the above.
    case other

    /// The action type suggested when a goal of this kind is behind its pace; the policy engine
    /// decides whether it may happen.
    public var suggestedAction: String {
        switch self {
        case .pipeline: "research_prospects"
        case .activity: "send_follow_up_email"
        case .quality: "qualify_conversation"
        case .revenue: "send_proposal"
        case .other: "review_goal"
        }
    }

    /// Whether the metric can be below 0: a score (NPS runs from -100), net revenue after refunds, or
    /// a metric of the operator's own. Pipeline and activity goals count things, which never go below 0.
    public var allowsNegativeValues: Bool {
        switch self {
        case .pipeline, .activity: false
        case .quality, .revenue, .other: true
        }
    }

    public var description: String { rawValue }

    /// The kind a metric's name suggests, `other` when no word of it is known.
    ///
    /// The name is split into words at anything but letters and digits and at lower-to-upper case
    /// changes (`meetings_booked`, `meetingsBooked`, `meetings-booked` all give `meetings`,
    /// `booked`); a word names a kind when it is in that kind's list. When words of several kinds
    /// appear, money beats quality, quality beats pipeline, pipeline beats activity:
    /// `qualified_leads` is quality, `deals_won` is revenue.
    ///
    /// ```swift
    /// GoalKind.inferred(fromMetric: "meetings_booked")  // .activity
    /// GoalKind.inferred(fromMetric: "pipeline_value")   // .pipeline
    /// ```
    public static func inferred(fromMetric metric: String) -> GoalKind {
        let words = Set(Self.words(of: metric))
        for kind in [GoalKind.revenue, .quality, .pipeline, .activity] where !words.isDisjoint(with: kind.keywords) {
            return kind
        }
        return .other
    }

    private var keywords: Set<String> {
        switch self {
        case .revenue:
            ["revenue", "revenues", "arr", "mrr", "income", "sales", "closed", "won", "invoiced", "invoices", "billed",
             "billing", "bookings", "gmv", "profit", "cash", "paid", "dollars", "usd", "eur"]
        case .quality:
            ["quality", "qualified", "qualify", "qualification", "qualifications", "score", "scores", "scoring", "rate",
             "rates", "ratio", "conversion", "conversions", "nps", "csat", "satisfaction", "accuracy", "retention"]
        case .pipeline:
            ["pipeline", "prospect", "prospects", "lead", "leads", "opportunity", "opportunities", "opps", "deal",
             "deals", "accounts", "contacts", "signups", "sourced", "funnel"]
        case .activity:
            ["activity", "activities", "email", "emails", "call", "calls", "meeting", "meetings", "message", "messages",
             "touch", "touches", "touchpoints", "follow", "followups", "outreach", "sent", "demo", "demos", "task",
             "tasks", "posts", "replies"]
        case .other:
            []
        }
    }

    /// Lower-cased words of a metric name.
    static func words(of metric: String) -> [String] {
        var words: [String] = []
        var word = ""
        var previousWasLower = false
        for character in metric {
            guard character.isLetter || character.isNumber else {
                if !word.isEmpty { words.append(word) }
                word = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase, previousWasLower, !word.isEmpty {
                words.append(word)
                word = ""
            }
            word += character.lowercased()
            previousWasLower = character.isLowercase || character.isNumber
        }
        if !word.isEmpty { words.append(word) }
        return words
    }
}
