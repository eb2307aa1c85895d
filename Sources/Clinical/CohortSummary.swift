import Foundation

/// The registry's cohort in numbers: baseline and follow-up ODI, the paired change with its 95 %
/// confidence interval, the share reaching the minimal important change, by level, side and guidance.
///
/// A patient's pair is the earliest baseline encounter with an ODI and the latest follow-up with one; the
/// groups use the patient's first procedure.
public struct CohortSummary: Codable, Sendable {
    public struct Description: Codable, Sendable {
        public var n: Int
        public var mean: Double, sd: Double, median: Double, q1: Double, q3: Double

        init(_ x: [Double]) {
            n = x.count
            mean = Statistics.mean(x); sd = Statistics.standardDeviation(x)
            median = Statistics.quantile(x, 0.5); q1 = Statistics.quantile(x, 0.25); q3 = Statistics.quantile(x, 0.75)
        }
    }

    public struct Pair: Codable, Sendable {
        public var patientId: String
        public var baselinePercent: Double
        public var followUpPercent: Double
        public var changePoints: Double
        public var importantImprovement: Bool
    }

    public struct Group: Codable, Sendable {
        /// `level`, `side` or `guidance`.
        public var by: String
        public var value: String
        public var n: Int
        public var meanChangePoints: Double
        public var shareImportant: Double
    }

    /// Patients in the registry.
    public var cases: Int
    /// Patients with both a baseline and a follow-up ODI.
    public var pairedCases: Int
    public var baselineODI: Description?
    public var followUpODI: Description?
    /// Follow-up − baseline, index points (negative = better).
    public var meanChangePoints: Double?
    public var changeCI95Low: Double?
    public var changeCI95High: Double?
    public var shareImportant: Double?
    public var thresholdPoints: Double
    public var thresholdRelativePercent: Double
    public var groups: [Group]
    public var pairs: [Pair]

    public init(registry: Registry, thresholdPoints: Double = 10, thresholdRelativePercent: Double = 30) throws {
        guard thresholdPoints.isFinite, thresholdPoints > 0, thresholdPoints <= 100,
              thresholdRelativePercent.isFinite, thresholdRelativePercent > 0, thresholdRelativePercent <= 100 else {
            throw ClinicalError("minimal important change thresholds must be in (0, 100]: got \(thresholdPoints) points, \(thresholdRelativePercent) %")
        }
        let patients = try registry.patients()
        let encounters = try registry.encounters()
        let procedures = try registry.procedures()
        var pairs: [Pair] = []
        for p in patients {
            let mine = encounters.filter { $0.patientId == p.id }
            guard let base = mine.first(where: { $0.kind == "baseline" && $0.odi != nil })?.odi,
                  let follow = mine.last(where: { $0.kind == "follow-up" && $0.odi != nil })?.odi else { continue }
            let change = OswestryChange(baseline: base, followUp: follow, thresholdPoints: thresholdPoints, thresholdRelativePercent: thresholdRelativePercent)
            pairs.append(Pair(patientId: p.id, baselinePercent: base.percent, followUpPercent: follow.percent,
                              changePoints: change.points, importantImprovement: change.importantImprovement))
        }
        cases = patients.count
        pairedCases = pairs.count
        self.thresholdPoints = thresholdPoints
        self.thresholdRelativePercent = thresholdRelativePercent
        self.pairs = pairs
        if pairs.isEmpty {
            groups = []
            return
        }
        baselineODI = Description(pairs.map(\.baselinePercent))
        followUpODI = Description(pairs.map(\.followUpPercent))
        let ci = Statistics.meanWithCI95(pairs.map(\.changePoints))
        meanChangePoints = ci.mean; changeCI95Low = ci.low; changeCI95High = ci.high
        shareImportant = Double(pairs.filter(\.importantImprovement).count) / Double(pairs.count)
        var groups: [Group] = []
        for (by, key) in [("level", \ProcedureRecord.level), ("side", \ProcedureRecord.side), ("guidance", \ProcedureRecord.guidance)] {
            var buckets: [String: [Pair]] = [:]
            for pair in pairs {
                guard let first = procedures.first(where: { $0.patientId == pair.patientId }) else { continue }
                buckets[first[keyPath: key], default: []].append(pair)
            }
            for (value, members) in buckets.sorted(by: { $0.key < $1.key }) {
                groups.append(Group(by: by, value: value, n: members.count, meanChangePoints: Statistics.mean(members.map(\.changePoints)),
                                    shareImportant: Double(members.filter(\.importantImprovement).count) / Double(members.count)))
            }
        }
        self.groups = groups
    }

    /// A slope graph of ODI before and after, one line per patient (green when the change is important),
    /// as standalone SVG.
    public func svg() -> String {
        let width = 480.0, height = 420.0, left = 110.0, right = 370.0, top = 40.0, bottom = 370.0
        func y(_ percent: Double) -> Double { bottom - (bottom - top) * percent / 100 }
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <title>ODI before and after, \(pairs.count) patients</title>
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="22" text-anchor="middle" font-size="14">Oswestry Disability Index (%), baseline → follow-up</text>

        """
        for tick in stride(from: 0, through: 100, by: 20) {
            let t = y(Double(tick))
            s += "<line x1=\"\(left - 5)\" y1=\"\(t)\" x2=\"\(right + 5)\" y2=\"\(t)\" stroke=\"#ddd\"/><text x=\"\(left - 10)\" y=\"\(t + 4)\" text-anchor=\"end\">\(tick)</text>\n"
        }
        s += "<text x=\"\(left)\" y=\"\(bottom + 24)\" text-anchor=\"middle\">baseline</text><text x=\"\(right)\" y=\"\(bottom + 24)\" text-anchor=\"middle\">follow-up</text>\n"
        for p in pairs {
            let colour = p.importantImprovement ? "#1a7f37" : "#b35900"
            let id = p.patientId.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            s += "<g><title>\(id): \(Self.format(p.baselinePercent)) → \(Self.format(p.followUpPercent)) %</title>"
            s += "<line x1=\"\(left)\" y1=\"\(y(p.baselinePercent))\" x2=\"\(right)\" y2=\"\(y(p.followUpPercent))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            s += "<circle cx=\"\(left)\" cy=\"\(y(p.baselinePercent))\" r=\"3.5\" fill=\"\(colour)\"/><circle cx=\"\(right)\" cy=\"\(y(p.followUpPercent))\" r=\"3.5\" fill=\"\(colour)\"/>"
            s += "<text x=\"\(right + 10)\" y=\"\(y(p.followUpPercent) + 4)\">\(id)</text></g>\n"
        }
        s += "<text x=\"\(width / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\" fill=\"#555\">green: minimal important change reached (\(Self.format(thresholdPoints)) points or \(Self.format(thresholdRelativePercent)) %)</text>\n</svg>\n"
        return s
    }

    static func format(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }
}
