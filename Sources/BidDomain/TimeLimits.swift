import BidCore
import Foundation

/// A step with a time limit that e-supervision (电子监察) watches (RULES.md, "time limits watched
/// by e-supervision"). The limits are the law's; what each card level means is the centre's
/// (SupervisionPolicy).
public enum SupervisedStep: String, Codable, Sendable, CaseIterable {
    /// An amendment that may affect bids: published at least 15 days before the deadline, else the
    /// deadline moves (Law art. 23; Reg. art. 21).
    case amendmentNotice = "amendment-notice"
    /// Objections to the documents answered within 3 days (Reg. art. 22).
    case documentObjectionAnswered = "document-objection-answered"
    /// The opening at the deadline (Law art. 34).
    case openingAtDeadline = "opening-at-deadline"
    /// The report within the tender's own evaluation period (TenderSpec.evaluationDays).
    case evaluationDeadline = "evaluation-deadline"
    /// Candidates published within 3 days of the report (Reg. art. 54).
    case candidatesPublished = "candidates-published"
    /// Objections to the result answered within 3 days (Reg. art. 54).
    case resultObjectionAnswered = "result-objection-answered"
    /// The written contract within 30 days of the award notice (Law art. 46).
    case contractSigned = "contract-signed"
    /// The written report to the supervising department within 15 days of the award (Law art. 47).
    case reportFiled = "report-filed"
    /// Bid security returned within 5 days of the contract (Reg. art. 57).
    case securityReturned = "security-returned"

    /// Steps the service does not perform itself: the responsible party records them with a
    /// signed statement.
    public static let stated: [SupervisedStep] = [.contractSigned, .reportFiled, .securityReturned]
}

/// One rule of the watch: the step, its article, its limit and who answers for it.
public struct TimeLimitRule: Codable, Sendable, Equatable {
    public var step: SupervisedStep
    public var article: String
    public var title: String
    /// Statutory days (of the tender's profile) from the trigger to the limit; 0 for a moment.
    public var days: Int?
    public var trigger: String
    public var responsible: String

    /// Every rule, with its article (RULES.md).
    public static let all: [TimeLimitRule] = [
        .init(step: .amendmentNotice, article: "《招标投标法》第二十三条；《实施条例》第二十一条", title: "澄清或者修改在投标截止 15 日前发出", days: 15,
              trigger: "the bid deadline (counted back)", responsible: "tenderer or agency"),
        .init(step: .documentObjectionAnswered, article: "《实施条例》第二十二条", title: "收到对招标文件的异议之日起 3 日内作出答复", days: 3,
              trigger: "each objection to the documents (raised at least 10 days before the deadline)", responsible: "tenderer or agency"),
        .init(step: .openingAtDeadline, article: "《招标投标法》第三十四条", title: "开标在投标截止时间的同一时间进行", days: 0,
              trigger: "the bid deadline", responsible: "tenderer or agency"),
        .init(step: .evaluationDeadline, article: "招标文件（TenderSpec.evaluationDays）", title: "在招标文件规定的评标期限内完成评标报告", days: nil,
              trigger: "the opening record", responsible: "tenderer or agency (the host)"),
        .init(step: .candidatesPublished, article: "《实施条例》第五十四条", title: "收到评标报告之日起 3 日内公示中标候选人", days: 3,
              trigger: "the final report", responsible: "tenderer or agency"),
        .init(step: .resultObjectionAnswered, article: "《实施条例》第五十四条", title: "收到异议之日起 3 日内作出答复", days: 3,
              trigger: "each objection to the result", responsible: "tenderer or agency"),
        .init(step: .contractSigned, article: "《招标投标法》第四十六条", title: "中标通知书发出之日起 30 日内订立书面合同", days: 30,
              trigger: "the award notice", responsible: "the tender's owner, tenderer or agency (signed statement)"),
        .init(step: .reportFiled, article: "《招标投标法》第四十七条", title: "确定中标人之日起 15 日内向有关行政监督部门提交书面报告", days: 15,
              trigger: "the award notice", responsible: "the tender's owner, tenderer or agency (signed statement)"),
        .init(step: .securityReturned, article: "《实施条例》第五十七条", title: "书面合同签订后 5 日内退还投标保证金及利息", days: 5,
              trigger: "the signed contract", responsible: "the tender's owner, tenderer or agency (signed statement)"),
    ]

    public static func rule(_ step: SupervisedStep) -> TimeLimitRule { all.first { $0.step == step }! }
}

/// What each card level means at this centre (RULES.md: a parameter of the centre).
public struct SupervisionPolicy: Codable, Sendable, Equatable {
    /// A reminder (催办) this many statutory days before a limit (fractions allowed as a decimal text).
    public var reminderDays: ExactDecimal = 1
    /// A red card when a limit is missed by more than this many statutory days.
    public var redAfterDays: ExactDecimal = 2
    /// …or when the responsible party already had this many yellow or red cards in the last 365 days.
    public var redAfterCards = 2

    public init() {}
}

/// One step with a limit, as e-supervision sees it now.
public struct Obligation: Codable, Sendable, Equatable {
    /// Stable: `<tender>/<step>[/<n>]`.
    public var key: String
    public var step: SupervisedStep
    public var tenderId: String
    /// The party that answers for the step (the tender's owner).
    public var responsible: String
    public var agency: String?
    public var startedAt: Date
    public var dueAt: Date
    public var doneAt: Date?

    public var onTime: Bool? { doneAt.map { $0 <= dueAt } }

    package init(key: String, step: SupervisedStep, tenderId: String, responsible: String, agency: String? = nil, startedAt: Date, dueAt: Date, doneAt: Date? = nil) {
        self.key = key
        self.step = step
        self.tenderId = tenderId
        self.responsible = responsible
        self.agency = agency
        self.startedAt = startedAt
        self.dueAt = dueAt
        self.doneAt = doneAt
    }
}

public enum CardLevel: String, Codable, Sendable, CaseIterable {
    /// 催办: a limit is near.
    case reminder
    /// 黄牌: the limit is missed.
    case yellow
    /// 红牌: missed by more than the centre's margin, or repeatedly.
    case red
    /// An anomaly: collusion signals, a tender failed twice, a bid lost through the platform's fault,
    /// the platform's own errors.
    case alert

    public var label: String {
        switch self {
        case .reminder: return "催办"
        case .yellow: return "黄牌"
        case .red: return "红牌"
        case .alert: return "预警"
        }
    }
}

/// A warning raised by e-supervision. Cards are never deleted: a card is closed by the step being
/// done, and both the raising and the closing are ledger events.
public struct SupervisionCard: Codable, Sendable, Equatable {
    public var format = "ebid-supervision-card"
    public var id: String
    public var level: CardLevel
    /// The obligation (time-limit cards) or the anomaly (`<tender>/anomaly/<kind>`).
    public var subject: String
    public var step: SupervisedStep?
    public var anomaly: String?
    public var article: String
    public var tenderId: String?
    public var responsible: String?
    public var dueAt: Date?
    public var raisedAt: Date
    public var text: String
    /// Set when closed (the closing is its own ledger event).
    public var closedAt: Date?
    public var closedBecause: String?

    package init(format: String = "ebid-supervision-card", id: String, level: CardLevel, subject: String, step: SupervisedStep? = nil, anomaly: String? = nil, article: String, tenderId: String? = nil, responsible: String? = nil, dueAt: Date? = nil, raisedAt: Date, text: String, closedAt: Date? = nil, closedBecause: String? = nil) {
        self.format = format
        self.id = id
        self.level = level
        self.subject = subject
        self.step = step
        self.anomaly = anomaly
        self.article = article
        self.tenderId = tenderId
        self.responsible = responsible
        self.dueAt = dueAt
        self.raisedAt = raisedAt
        self.text = text
        self.closedAt = closedAt
        self.closedBecause = closedBecause
    }
}

/// A step the service does not perform (contract signed, report filed, security returned),
/// recorded by the responsible party with a signed statement.
public struct StepStatement: Codable, Sendable, Equatable {
    public var step: SupervisedStep
    public var tenderId: String
    public var party: String
    /// When the step was done (the statement's word; the ledger shows when it was recorded).
    public var doneAt: Date
    /// The contract's amount (contract-signed), yuan.
    public var amount: ExactDecimal?
    public var recordedAt: Date
    /// The signed statement (StepStatementDocument) as the party signed it.
    public var statement: MemberStatement

    package init(step: SupervisedStep, tenderId: String, party: String, doneAt: Date, amount: ExactDecimal? = nil, recordedAt: Date, statement: MemberStatement) {
        self.step = step
        self.tenderId = tenderId
        self.party = party
        self.doneAt = doneAt
        self.amount = amount
        self.recordedAt = recordedAt
        self.statement = statement
    }
}

/// The document a party signs for a StepStatement.
public struct StepStatementDocument: Codable, Sendable, Equatable {
    public var type = "ebid-step-statement"
    public var tenderId: String
    public var step: SupervisedStep
    /// When the step was done; absent: when the service records the statement.
    public var doneAt: Date?
    public var amount: ExactDecimal?
    public var text: String

    public init(tenderId: String, step: SupervisedStep, doneAt: Date?, amount: ExactDecimal?, text: String) {
        self.tenderId = tenderId
        self.step = step
        self.doneAt = doneAt
        self.amount = amount
        self.text = text
    }
}

/// Times in messages: ISO 8601 in Asia/Shanghai (stored in UTC, shown as trading centres show them).
package func iso(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
    return formatter.string(from: date)
}
